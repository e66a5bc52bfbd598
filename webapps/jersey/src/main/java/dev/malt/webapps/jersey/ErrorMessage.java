package dev.malt.webapps.jersey;

/** The JSON body of an error answer. */
public record ErrorMessage(int status, String message) {
}
