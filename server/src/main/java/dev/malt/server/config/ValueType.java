package dev.malt.server.config;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * How an option's value is checked and normalized at load time. Normalized values are what {@link AppConfig}
 * stores and what {@link AppConfig#encode()} ships to workers, so accessors never fail on them.
 */
final class ValueType {

    /** A value that cannot be used; the message says what is wrong and how to write it. */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message, null, false, false);
        }
    }

    @FunctionalInterface
    private interface Normalizer {
        String normalize(String value) throws BadValue;
    }

    private static final Set<String> FALSE_WORDS = Set.of("false", "off", "no", "0");
    private static final Pattern JAVA_CLASS =
            Pattern.compile("\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*(\\.\\p{javaJavaIdentifierStart}\\p{javaJavaIdentifierPart}*)*");
    private static final Pattern APP_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,12})([kmg]?)", Pattern.CASE_INSENSITIVE);
    private static final int MAX_THREADS = 10_000;
    /** Longest static-expires time: ten years, far beyond what any cache keeps a file. */
    static final int MAX_EXPIRES_SECONDS = 10 * 366 * 24 * 3600;

    /** Shown in help and error messages: {@code workers = N}. */
    final String label;
    /** Value of a bare key ({@code vacuum}, {@code chmod-socket}); null when the option needs a value. */
    final String bareValue;
    final boolean integral;
    private final Normalizer normalizer;

    private ValueType(String label, String bareValue, boolean integral, Normalizer normalizer) {
        this.label = label;
        this.bareValue = bareValue;
        this.integral = integral;
        this.normalizer = normalizer;
    }

    boolean isFlag() {
        return label.equals("BOOL");
    }

    /**
     * @param raw the value after substitution; null for a bare key
     * @return the normalized value, or null when the option needs a value and got none
     */
    String normalize(String raw) throws BadValue {
        String value = raw == null ? "" : raw.strip();
        if (value.isEmpty()) {
            return bareValue;
        }
        return normalizer.normalize(value);
    }

    static ValueType text(String label) {
        return new ValueType(label, null, false, v -> v);
    }

    /** Free text whose bare key means {@code bareValue} ({@code emperor} alone: the Debian layout's directory). */
    static ValueType textOrDefault(String label, String bareValue) {
        return new ValueType(label, bareValue, false, v -> v);
    }

    static ValueType flag() {
        return new ValueType("BOOL", "true", false,
                v -> FALSE_WORDS.contains(v.toLowerCase(Locale.ROOT)) ? "false" : "true");
    }

    static ValueType integer(int min, int max) {
        return new ValueType("N", null, true, v -> Long.toString(checkRange(parseWhole(v, min, max), min, max)));
    }

    /** Bytes, optionally with k, m or g (powers of 1024); normalized to a plain number of bytes. */
    static ValueType bytes(int min, int max) {
        return new ValueType("BYTES", null, true, v -> {
            long bytes = sizeInBytes(v, "use a number of bytes, or one with k, e.g. 32k");
            return Long.toString(checkRange(bytes, min, max));
        });
    }

    /** A JVM memory size as {@code -Xmx} takes it: 512m, 2g; normalized to lower case. */
    static ValueType memorySize() {
        return new ValueType("SIZE", null, false, v -> {
            if (sizeInBytes(v, "use a whole number with k, m or g, e.g. 512m or 2g") == 0) {
                throw new BadValue("a size of 0 leaves no room; use e.g. 512m or 2g");
            }
            return v.toLowerCase(Locale.ROOT);
        });
    }

    /** A unix file mode in octal, like chmod takes it; a bare key means 666 as in uWSGI. */
    static ValueType octalMode() {
        return new ValueType("MODE", "666", false, v -> {
            if (!v.matches("[0-7]{3,4}")) {
                throw new BadValue("'" + v + "' is not an octal file mode; use 3 or 4 digits from 0 to 7, e.g. 660");
            }
            return v;
        });
    }

    static ValueType address() {
        return new ValueType("ADDRESS", null, false, v -> {
            try {
                ListenAddress.parse(v);
                return v;
            } catch (IllegalArgumentException e) {
                throw new BadValue(e.getMessage());
            }
        });
    }

    static ValueType threads() {
        return new ValueType("N|virtual", null, false, v -> {
            if (v.equalsIgnoreCase(ThreadsSetting.VIRTUAL_WORD)) {
                return ThreadsSetting.VIRTUAL_WORD;
            }
            if (!v.chars().allMatch(Character::isDigit)) {
                throw new BadValue("'" + v + "' is neither a number of threads nor 'virtual'; use e.g. 8 or virtual");
            }
            return Long.toString(checkRange(parseWhole(v, 1, MAX_THREADS), 1, MAX_THREADS));
        });
    }

    static ValueType className() {
        return new ValueType("CLASS", null, false, v -> {
            if (!JAVA_CLASS.matcher(v).matches()) {
                throw new BadValue("'" + v + "' is not a Java class name; write the fully qualified name,"
                        + " e.g. com.example.ShopServlet");
            }
            return v;
        });
    }

    static ValueType appName() {
        return new ValueType("NAME", null, false, v -> {
            if (!APP_NAME.matcher(v).matches()) {
                throw new BadValue("'" + v + "' cannot name an app: it goes into socket and log file names;"
                        + " use letters, digits, '.', '_' and '-' (up to 64), e.g. shop");
            }
            return v;
        });
    }

    /** {@code KEY=VALUE}; the value may be empty, the key may not. */
    static ValueType keyValue() {
        return new ValueType("KEY=VALUE", null, false, v -> {
            int eq = v.indexOf('=');
            if (eq <= 0 || v.substring(0, eq).isBlank()) {
                throw new BadValue("'" + v + "' is not KEY=VALUE; write e.g. LANG=C.UTF-8");
            }
            return v;
        });
    }

    /** {@code /url-path=target}. */
    static ValueType mountPoint() {
        return new ValueType("/PATH=TARGET", null, false, v -> {
            int eq = v.indexOf('=');
            if (eq <= 0 || !v.startsWith("/") || eq == v.length() - 1) {
                throw new BadValue("'" + v + "' is not /PATH=TARGET; write e.g. /static=/srv/shop/static");
            }
            return v;
        });
    }

    /** {@code session-store}: file, memory, or a Redis URL. */
    static ValueType sessionStore() {
        return new ValueType("file|memory|URL", null, false, v -> {
            try {
                return SessionStoreSetting.normalize(v);
            } catch (IllegalArgumentException e) {
                throw new BadValue(e.getMessage());
            }
        });
    }

    /**
     * A value checked (and normalized) by the code that uses it; its {@link IllegalArgumentException} message
     * becomes the error.
     */
    static ValueType checked(String label, java.util.function.UnaryOperator<String> check) {
        return new ValueType(label, null, false, v -> {
            try {
                return check.apply(v);
            } catch (IllegalArgumentException e) {
                throw new BadValue(e.getMessage());
            }
        });
    }

    /**
     * {@code /url-path=target} for static-map: the URL path is what requests are matched against, so it may
     * not hold what no request path can (dot segments, backslashes, control characters).
     */
    static ValueType staticMap() {
        return new ValueType("/URL=DIR", null, false, v -> {
            int eq = v.indexOf('=');
            if (eq <= 0 || !v.startsWith("/") || eq == v.length() - 1) {
                throw new BadValue("'" + v + "' is not /URL=DIR; write e.g. /static=/srv/shop/static");
            }
            String prefix = v.substring(0, eq).strip();
            String segments = "/" + prefix + "/";
            if (segments.contains("/./") || segments.contains("/../") || prefix.indexOf('\\') >= 0
                    || prefix.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new BadValue("the URL path '" + prefix + "' has '.' or '..' segments, a backslash or a control"
                        + " character, which no request path is matched with; write e.g. /static");
            }
            return v;
        });
    }

    /** {@code REGEX SECONDS}, as uWSGI's static-expires: the regex may contain spaces, the number comes last. */
    static ValueType expiresRule() {
        return new ValueType("REGEX SECONDS", null, false, v -> {
            int space = Math.max(v.lastIndexOf(' '), v.lastIndexOf('\t'));
            if (space <= 0) {
                throw new BadValue("'" + v + "' is not REGEX SECONDS; write e.g. \\.(css|js|png)$ 86400");
            }
            String regex = v.substring(0, space).strip();
            String seconds = v.substring(space + 1).strip();
            try {
                Pattern.compile(regex);
            } catch (java.util.regex.PatternSyntaxException e) {
                throw new BadValue("'" + regex + "' is not a regular expression (" + e.getDescription()
                        + " near index " + e.getIndex() + ")");
            }
            long n = checkRange(parseWhole(seconds, 0, MAX_EXPIRES_SECONDS), 0, MAX_EXPIRES_SECONDS);
            return regex + " " + n;
        });
    }

    private static long parseWhole(String v, int min, int max) throws BadValue {
        if (v.isEmpty() || v.length() > 12 || !v.chars().allMatch(Character::isDigit)) {
            throw new BadValue("'" + v + "' is not a whole number; " + rangeAdvice(min, max));
        }
        return Long.parseLong(v);
    }

    private static long sizeInBytes(String v, String advice) throws BadValue {
        var m = SIZE.matcher(v);
        if (!m.matches()) {
            throw new BadValue("'" + v + "' is not a size; " + advice);
        }
        int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
        };
        long number = Long.parseLong(m.group(1));
        if (number > (Long.MAX_VALUE >> shift)) {
            throw new BadValue("'" + v + "' is far too large; " + advice);
        }
        return number << shift;
    }

    private static long checkRange(long value, int min, int max) throws BadValue {
        if (value < min || value > max) {
            throw new BadValue(value + " is out of range; " + rangeAdvice(min, max));
        }
        return value;
    }

    private static String rangeAdvice(int min, int max) {
        return max == Integer.MAX_VALUE ? "use " + min + " or more" : "use a number from " + min + " to " + max;
    }
}
