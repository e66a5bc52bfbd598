package dev.malt.server.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;

/**
 * Configures logback in code, before anything logs, so a master and its workers write the same line
 * shape and no logback.xml on an app's classpath can change it. Request lines (logger
 * {@code malt.request}) carry only a timestamp and the uWSGI-style text.
 */
public final class Logging {

    public static final String REQUEST_LOGGER = "malt.request";

    private Logging() {
    }

    /**
     * @param role shown in brackets on each line, e.g. {@code shop master} or {@code shop worker 2}
     * @param out  where lines go: the master's {@link LogSink}, or a worker's stderr pipe to its master
     */
    public static void configure(String role, OutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();

        OutputStreamAppender<ILoggingEvent> main = appender(context, out,
                "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [" + escape(role) + "] %logger{0}: %msg%n%ex");
        OutputStreamAppender<ILoggingEvent> requests = appender(context, out, "%d{yyyy-MM-dd HH:mm:ss.SSS} %msg%n");

        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("malt.log.level", "INFO"), Level.INFO));
        root.addAppender(main);
        context.getLogger("io.netty").setLevel(Level.WARN);

        Logger requestLogger = context.getLogger(REQUEST_LOGGER);
        requestLogger.setAdditive(false);
        requestLogger.setLevel(Level.INFO);
        requestLogger.addAppender(requests);
        bridgeJavaUtilLogging(context);
    }

    /**
     * java.util.logging (Jasper's JULI, and many app libraries) into the same lines: without the bridge
     * they print their own two-line format to stderr. The level propagator keeps disabled JUL levels cheap.
     */
    private static void bridgeJavaUtilLogging(LoggerContext context) {
        org.slf4j.bridge.SLF4JBridgeHandler.removeHandlersForRootLogger();
        org.slf4j.bridge.SLF4JBridgeHandler.install();
        ch.qos.logback.classic.jul.LevelChangePropagator propagator = new ch.qos.logback.classic.jul.LevelChangePropagator();
        propagator.setContext(context);
        propagator.setResetJUL(true);
        context.addListener(propagator);
        propagator.start();
    }

    /**
     * The emperor's logging: lines from a master's threads go to {@code appSinks.apply(app)} (or, when that
     * is null, to the supervisor's log, still marked with the app), all others to {@code supervisor}.
     */
    public static void configureRouted(LogSink supervisor, java.util.function.Function<String, LogSink> appSinks) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        AppRoutingAppender router = new AppRoutingAppender(supervisor, appSinks,
                encoder(context, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [emperor] %logger{0}: %msg%n%ex"),
                encoder(context, "%d{yyyy-MM-dd HH:mm:ss.SSS} %-5level [%X{" + AppRoutingAppender.APP_KEY
                        + "} master] %logger{0}: %msg%n%ex"));
        router.setContext(context);
        router.start();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(System.getProperty("malt.log.level", "INFO"), Level.INFO));
        root.addAppender(router);
        context.getLogger("io.netty").setLevel(Level.WARN);
    }

    private static PatternLayoutEncoder encoder(LoggerContext context, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        return encoder;
    }

    private static OutputStreamAppender<ILoggingEvent> appender(LoggerContext context, OutputStream out, String pattern) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(pattern);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(new NonClosingStream(out));
        appender.start();
        return appender;
    }

    /** Brackets and percent signs would be read as logback pattern syntax. */
    private static String escape(String role) {
        return role.replace("%", "\\%").replace("(", "\\(").replace(")", "\\)");
    }

    /** Two appenders share one stream; neither may close it. */
    private static final class NonClosingStream extends java.io.FilterOutputStream {
        NonClosingStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws java.io.IOException {
            flush();
        }
    }
}
