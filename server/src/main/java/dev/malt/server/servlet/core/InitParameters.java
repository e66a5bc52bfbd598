package dev.malt.server.servlet.core;

import dev.malt.server.servlet.internal.ServletMessages;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * The init parameters of a servlet or filter registration, with the {@code Registration} rules: names
 * and values never null, an existing name is never overwritten, {@code setInitParameters} is all or nothing.
 */
final class InitParameters {

    private final Map<String, String> values = Collections.synchronizedMap(new LinkedHashMap<>());

    /** From a descriptor: the first declaration of a name counts. */
    void putIfAbsent(String name, String value) {
        values.putIfAbsent(name, value);
    }

    boolean set(String name, String value) {
        if (name == null || value == null) {
            throw new IllegalArgumentException(ServletMessages.initParameterNull(name));
        }
        return values.putIfAbsent(name, value) == null;
    }

    String get(String name) {
        return values.get(name);
    }

    /** Sets all of them, or, when some names exist already, none; returns those names. */
    Set<String> setAll(Map<String, String> parameters) {
        Set<String> conflicts = new LinkedHashSet<>();
        synchronized (values) {
            for (Map.Entry<String, String> e : parameters.entrySet()) {
                if (e.getKey() == null || e.getValue() == null) {
                    throw new IllegalArgumentException(ServletMessages.initParameterNull(e.getKey()));
                }
                if (values.containsKey(e.getKey())) {
                    conflicts.add(e.getKey());
                }
            }
            if (conflicts.isEmpty()) {
                values.putAll(parameters);
            }
        }
        return conflicts;
    }

    /** An immutable snapshot, in declaration order. */
    Map<String, String> snapshot() {
        synchronized (values) {
            return Collections.unmodifiableMap(new LinkedHashMap<>(values));
        }
    }
}
