package dev.malt.server.logging;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;

/** The lines one class logs, captured in memory while the capture is open. */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>() {
        @Override
        protected void append(ILoggingEvent event) {
            super.append(event);
            synchronized (LogCapture.this) {
                LogCapture.this.notifyAll();
            }
        }
    };

    private LogCapture(Class<?> source) {
        this.logger = (Logger) LoggerFactory.getLogger(source);
        appender.start();
        logger.addAppender(appender);
    }

    public static LogCapture of(Class<?> source) {
        return new LogCapture(source);
    }

    /** Formatted messages so far, with their level: {@code "WARN 400 on ..."}. */
    public List<String> lines() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
        }
    }

    /** The messages of the exceptions logged with the lines, null for a line without one. */
    public List<String> throwables() {
        synchronized (appender.list) {
            return appender.list.stream().map(e -> e.getThrowableProxy() == null ? null
                    : e.getThrowableProxy().getMessage()).toList();
        }
    }

    public boolean contains(String fragment) {
        return lines().stream().anyMatch(line -> line.contains(fragment));
    }

    /** Blocks until a line containing {@code fragment} is logged; fails after {@code timeout}. */
    public synchronized void awaitLine(String fragment, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!contains(fragment)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("no log line with '" + fragment + "': " + lines());
            }
            java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
