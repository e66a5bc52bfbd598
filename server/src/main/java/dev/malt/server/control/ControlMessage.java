package dev.malt.server.control;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One line on a master/worker control connection: a verb, then {@code key=value} fields, or free text
 * for {@link #BOOT_FAILED}. Text lines keep the connection easy to watch with strace or socat.
 *
 * <p>Worker to master: {@link #READY}, {@link #HEARTBEAT}, {@link #METRICS}, {@link #BOOT_FAILED}, {@link #RECYCLE}.
 * Master to worker: {@link #STOP}. The listening descriptors travel before any line (SCM_RIGHTS).
 */
public record ControlMessage(String verb, Map<String, String> fields, String text) {

    /** The worker accepts on every socket it was given. */
    public static final String READY = "READY";
    /** Periodic liveness and counters: requests, exceptions, tx, avg_rt, busy, oldest (ms), oldest_uri. */
    public static final String HEARTBEAT = "HEARTBEAT";
    /** With each heartbeat: the worker's meters, as one line of JSON in the text ({@code metrics.MetricsWire}). */
    public static final String METRICS = "METRICS";
    /** Longest line either side accepts, newline included; a longer one ends the connection. */
    public static final int MAX_LINE_BYTES = 64 * 1024;
    /** The app could not be loaded; the text says why. The worker exits right after. */
    public static final String BOOT_FAILED = "BOOT_FAILED";
    /**
     * The worker asks to be replaced as max-requests would have it (a successor first); the text says why. The one
     * that recorded the app's class cache does, to give back what recording cost it.
     */
    public static final String RECYCLE = "RECYCLE";
    /** Stop accepting, finish in-flight requests within {@code mercy} ms, exit. */
    public static final String STOP = "STOP";

    public ControlMessage {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public static ControlMessage of(String verb) {
        return new ControlMessage(verb, Map.of(), "");
    }

    public static ControlMessage withFields(String verb, Map<String, String> fields) {
        return new ControlMessage(verb, fields, "");
    }

    public static ControlMessage withText(String verb, String text) {
        return new ControlMessage(verb, Map.of(), text);
    }

    public long longField(String name, long defaultValue) {
        String value = fields.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return defaultValue;
        }
    }

    /** One line, without the newline. Field values are percent-escaped for space, '%', '=' and line breaks. */
    public String encode() {
        StringBuilder sb = new StringBuilder(verb);
        if (!text.isEmpty()) {
            sb.append(' ').append(escape(text));
        }
        for (Map.Entry<String, String> field : fields.entrySet()) {
            sb.append(' ').append(field.getKey()).append('=').append(escape(field.getValue()));
        }
        return sb.toString();
    }

    public static ControlMessage parse(String line) {
        String[] parts = line.trim().split(" ");
        String verb = parts[0];
        Map<String, String> fields = new LinkedHashMap<>();
        StringBuilder text = new StringBuilder();
        for (int i = 1; i < parts.length; i++) {
            int eq = parts[i].indexOf('=');
            if (eq > 0) {
                fields.put(parts[i].substring(0, eq), unescape(parts[i].substring(eq + 1)));
            } else if (!parts[i].isEmpty()) {
                text.append(unescape(parts[i]));
            }
        }
        return new ControlMessage(verb, fields, text.toString());
    }

    private static String escape(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == ' ' || c == '%' || c == '=' || c == '\n' || c == '\r') {
                sb.append('%').append(String.format("%02X", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String unescape(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        StringBuilder sb = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%' && i + 2 < value.length()) {
                sb.append((char) Integer.parseInt(value.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
