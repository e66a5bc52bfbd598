package dev.malt.server.logging;

import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;

import java.util.Map;
import java.util.function.Function;

/**
 * Under the emperor, many masters log in one JVM. A master's threads carry its app's name in the MDC
 * ({@code malt.app}); this appender sends their lines to that app's log, and everything else to the
 * supervisor's own log.
 */
final class AppRoutingAppender extends AppenderBase<ILoggingEvent> {

    static final String APP_KEY = "malt.app";

    private final LogSink supervisor;
    private final Function<String, LogSink> appSinks;
    private final PatternLayoutEncoder supervisorEncoder;
    private final PatternLayoutEncoder appEncoder;

    AppRoutingAppender(LogSink supervisor, Function<String, LogSink> appSinks, PatternLayoutEncoder supervisorEncoder,
                       PatternLayoutEncoder appEncoder) {
        this.supervisor = supervisor;
        this.appSinks = appSinks;
        this.supervisorEncoder = supervisorEncoder;
        this.appEncoder = appEncoder;
    }

    @Override
    protected void append(ILoggingEvent event) {
        Map<String, String> mdc = event.getMDCPropertyMap();
        String app = mdc == null ? null : mdc.get(APP_KEY);
        LogSink sink = app == null ? null : appSinks.apply(app);
        byte[] line = (app == null ? supervisorEncoder : appEncoder).encode(event);
        (sink == null ? supervisor : sink).writeLine(line, 0, line.length);
    }
}
