package dev.malt.server.config;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The configuration is broken: an unknown option, a bad value, an unreadable file, a missing socket or app.
 * Carries every problem found, in the order of the lines; the message lists them one per line, each starting
 * with {@code file:line:} (or {@code command line:}) and ending with what to do. Nothing is started on a
 * broken configuration, so no partial result exists.
 */
public final class ConfigException extends RuntimeException {

    /** One problem: where, about which option, and what to do. */
    public static final class Problem {
        private final String file;
        private final int line;
        private final String option;
        private final String message;
        private final String text;

        Problem(String file, int line, String option, String message, String text) {
            this.file = file;
            this.line = line;
            this.option = option;
            this.message = message;
            this.text = text;
        }

        /** The INI file as the operator named it; null when the problem is on the command line. */
        public String file() {
            return file;
        }

        /** 1-based line, or 0 when the problem concerns a whole file or the command line. */
        public int line() {
            return line;
        }

        /** The option (or placeholder) the problem is about, or null. */
        public String option() {
            return option;
        }

        /** What is wrong and what to do, without the location. */
        public String message() {
            return message;
        }

        /** The full line shown to the operator: {@code shop.ini:7: unknown option 'wokers' — ...}. */
        @Override
        public String toString() {
            return text;
        }
    }

    private final List<Problem> problems;

    ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, first one first. */
    public List<Problem> problems() {
        return problems;
    }

    /** The file of the first problem; empty when it came from the command line. */
    public Optional<String> file() {
        return Optional.ofNullable(problems.get(0).file());
    }

    /** The line of the first problem; 0 when it concerns a whole file or the command line. */
    public int line() {
        return problems.get(0).line();
    }

    /** The option the first problem is about, if any. */
    public Optional<String> option() {
        return Optional.ofNullable(problems.get(0).option());
    }
}
