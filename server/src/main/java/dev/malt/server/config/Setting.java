package dev.malt.server.config;

/** One resolved, validated option value and where it was set. */
record Setting(Option option, String value, Source source) {
}
