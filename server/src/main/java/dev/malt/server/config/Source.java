package dev.malt.server.config;

/**
 * Where a value came from, for error messages and {@link AppConfig#source(String)}.
 *
 * @param file the INI file as shown to the operator, or {@code null} for the command line
 * @param line 1-based line number, or 0 when the problem concerns the whole file
 */
record Source(String file, int line) {

    static final Source COMMAND_LINE = new Source(null, 0);
    private static final String COMMAND_LINE_TEXT = "command line";

    static Source wholeFile(String file) {
        return new Source(file, 0);
    }

    boolean isCommandLine() {
        return file == null;
    }

    @Override
    public String toString() {
        if (file == null) {
            return COMMAND_LINE_TEXT;
        }
        return line > 0 ? file + ":" + line : file;
    }

    /** Inverse of {@link #toString()}, for {@link AppConfig#decode(String)}. */
    static Source parse(String text) {
        if (text.equals(COMMAND_LINE_TEXT)) {
            return COMMAND_LINE;
        }
        int colon = text.lastIndexOf(':');
        if (colon > 0) {
            String digits = text.substring(colon + 1);
            if (!digits.isEmpty() && digits.chars().allMatch(Character::isDigit)) {
                return new Source(text.substring(0, colon), Integer.parseInt(digits));
            }
        }
        return wholeFile(text);
    }
}
