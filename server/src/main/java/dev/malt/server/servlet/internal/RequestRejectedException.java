package dev.malt.server.servlet.internal;

/**
 * A request Malt will not process: a malformed path or too many parameters (400), a form body over
 * the limit (413), an app that is already stopped (503). The host answers with {@link #status()}
 * instead of 500 and logs one line without a stack trace, because no servlet failed. It extends
 * IllegalStateException because {@code getParameter} may throw it and declares no checked exception.
 */
public final class RequestRejectedException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    private final int status;

    public RequestRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
