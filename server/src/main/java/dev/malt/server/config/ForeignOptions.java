package dev.malt.server.config;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * uWSGI options that make no sense for Java apps. An operator porting a Python INI file gets a specific
 * answer for them instead of "unknown option".
 */
final class ForeignOptions {

    private static final Set<String> PYTHON = Set.of(
            "module", "wsgi-file", "wsgi", "file", "callable", "plugin", "plugins", "virtualenv", "venv", "home",
            "pythonpath", "python-path", "pp", "py-autoreload", "python-autoreload", "wsgi-disable-file-wrapper",
            "single-interpreter");

    private static final Map<String, String> OTHER = Map.of(
            "http", "'http' starts uWSGI's separate HTTP router; Malt serves HTTP itself: use 'http-socket = :8080'.",
            "https", "'https' starts uWSGI's separate HTTPS router; terminate TLS in nginx or Apache, and point it at"
                    + " 'socket' or 'http-socket'.");

    private ForeignOptions() {
    }

    static Optional<String> advice(String name) {
        if (PYTHON.contains(name)) {
            return Optional.of(Messages.pythonOption(name));
        }
        return Optional.ofNullable(OTHER.get(name));
    }
}
