/**
 * Configuration: INI files and command-line options with uWSGI's semantics.
 *
 * <p>Entry points: {@link dev.malt.server.config.ConfigLoader} loads, {@link dev.malt.server.config.AppConfig} is the
 * immutable result (and travels to workers with {@code encode()}/{@code decode()}), {@link dev.malt.server.config.Option}
 * is the catalogue behind the command line and {@code --help}, {@link dev.malt.server.config.ConfigException} lists
 * every problem with file, line and advice.
 *
 * <p>Reading happens in three steps: ini4j tokenizes each file ({@code IniText}); {@code EntryCollector} picks the
 * section and splices in {@code ini =} includes, giving one ordered list of entries; {@code ConfigLoader} then
 * substitutes variables ({@code Resolver}), sorts options from placeholders and typos, and validates values
 * ({@code ValueType}). Errors are collected rather than thrown one by one.
 */
package dev.malt.server.config;
