package dev.malt.server.config;

/**
 * One {@code key = value} as read, before substitution: from an INI line or from the command line.
 *
 * @param value the raw value; null for a bare key
 * @param file  the file whose magic variables ({@code %d}...) apply; null when there is no INI file
 */
record Entry(String key, String value, Source source, IniFile file) {
}
