package dev.malt.integration.support;

import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.LifecycleMethodExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

import java.util.List;

/**
 * Adds the log tails of the servers involved to a failing test: Malt's output, nginx's and Apache's
 * error and access logs. Those are the processes still running, plus those started during the failing
 * test. The logs are attached as a suppressed exception, so the original assertion stays as it was.
 *
 * <p>Use with {@code @ExtendWith(Diagnostics.class)}.
 */
public final class Diagnostics implements BeforeEachCallback, TestExecutionExceptionHandler, LifecycleMethodExecutionExceptionHandler {

    private static final int LINES = 60;
    private static volatile int testStartMark;

    @Override
    public void beforeEach(ExtensionContext context) {
        testStartMark = LoggedProcess.started().size();
    }

    @Override
    public void handleTestExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attach(throwable);
    }

    @Override
    public void handleBeforeAllMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        testStartMark = 0;
        throw attach(throwable);
    }

    @Override
    public void handleBeforeEachMethodExecutionException(ExtensionContext context, Throwable throwable) throws Throwable {
        throw attach(throwable);
    }

    /** The report for the processes of interest right now. */
    public static String report() {
        List<LoggedProcess> all = LoggedProcess.started();
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < all.size(); i++) {
            LoggedProcess p = all.get(i);
            if (!p.isClosed() || i >= testStartMark) {
                sb.append(p.describe(LINES));
            }
        }
        sb.append("(full logs: ").append(LoggedProcess.archiveDir().toAbsolutePath()).append(")\n");
        return sb.toString();
    }

    private static Throwable attach(Throwable throwable) {
        if (LoggedProcess.started().isEmpty()) {
            return throwable;
        }
        throwable.addSuppressed(new ServerLogs(report()));
        return throwable;
    }

    /** Carries the report; it has no stack trace of its own. */
    static final class ServerLogs extends Exception {
        private static final long serialVersionUID = 1L;

        ServerLogs(String report) {
            super("server logs at the time of the failure:\n" + report, null, false, false);
        }
    }
}
