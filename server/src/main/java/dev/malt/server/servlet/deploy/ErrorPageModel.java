package dev.malt.server.servlet.deploy;

/**
 * One {@code error-page}: by status code, by exception type, or neither (the default error page).
 *
 * @param errorCode     the status, or 0
 * @param exceptionType fully qualified exception class name, or {@code null}
 * @param location      the page, starting with '/'
 */
public record ErrorPageModel(int errorCode, String exceptionType, String location) {

    public boolean isDefault() {
        return errorCode == 0 && exceptionType == null;
    }
}
