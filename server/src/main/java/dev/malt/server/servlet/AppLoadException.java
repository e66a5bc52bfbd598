package dev.malt.server.servlet;

/**
 * A servlet app could not be started: bad classpath, missing or unusable servlet class, or a failing
 * {@code init()}. The message is written for the operator: it says what went wrong, where Malt
 * looked and what to change. The cause, when there is one, is the app's own exception.
 */
public class AppLoadException extends Exception {

    private static final long serialVersionUID = 1L;

    public AppLoadException(String message) {
        super(message);
    }

    public AppLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
