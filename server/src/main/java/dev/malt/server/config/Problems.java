package dev.malt.server.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects problems while loading, so the operator sees all of them at once instead of one per restart. */
final class Problems {

    private final List<ConfigException.Problem> found = new ArrayList<>();

    /** A problem shown as {@code file:line: message}, or {@code command line: message}. */
    void add(Source source, String option, String message) {
        add(new ConfigException.Problem(source.file(), source.line(), option, message, source + ": " + message));
    }

    /** A problem about a whole file whose message already names it ({@code cannot read /x/y.ini: ...}). */
    void addAboutFile(String file, String message) {
        add(new ConfigException.Problem(file, 0, null, message, message));
    }

    private void add(ConfigException.Problem problem) {
        // A broken placeholder can be met twice (in an 'ini' line, then in the final pass); say it once.
        if (found.stream().noneMatch(p -> p.toString().equals(problem.toString()))) {
            found.add(problem);
        }
    }

    boolean isEmpty() {
        return found.isEmpty();
    }

    /** Throws them all: files in the order first met, each file's problems by line, the command line last. */
    void throwIfAny() {
        if (found.isEmpty()) {
            return;
        }
        List<String> files = new ArrayList<>();
        for (ConfigException.Problem p : found) {
            if (p.file() != null && !files.contains(p.file())) {
                files.add(p.file());
            }
        }
        List<ConfigException.Problem> sorted = new ArrayList<>(found);
        sorted.sort(Comparator
                .comparingInt((ConfigException.Problem p) -> p.file() == null ? files.size() : files.indexOf(p.file()))
                .thenComparingInt(ConfigException.Problem::line));
        throw new ConfigException(sorted);
    }
}
