package dev.malt.server.servlet.internal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An ordered list of header name/value pairs with case-insensitive lookup. Repeated names stay
 * repeated entries, so what the client (or the app) sent is kept as sent. A request or response has
 * some tens of headers, so linear scans beat any map here.
 */
public final class HeaderFields {

    private final List<String> names = new ArrayList<>();
    private final List<String> values = new ArrayList<>();

    public int size() {
        return names.size();
    }

    public String name(int i) {
        return names.get(i);
    }

    public String value(int i) {
        return values.get(i);
    }

    public void add(String name, String value) {
        names.add(name);
        values.add(value);
    }

    /** Replaces every value of {@code name} by one, kept at the position of the first old value. */
    public void set(String name, String value) {
        int first = indexOf(name);
        if (first < 0) {
            add(name, value);
            return;
        }
        values.set(first, value);
        names.set(first, name);
        for (int i = names.size() - 1; i > first; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    public void remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    public void removeAt(int i) {
        names.remove(i);
        values.remove(i);
    }

    public void clear() {
        names.clear();
        values.clear();
    }

    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : values.get(i);
    }

    /** Every value of {@code name}, in order; empty if none. */
    public List<String> getAll(String name) {
        List<String> all = null;
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                if (all == null) {
                    all = new ArrayList<>(2);
                }
                all.add(values.get(i));
            }
        }
        return all == null ? Collections.emptyList() : all;
    }

    /** Distinct names in first-seen order, spelled as first seen. */
    public Set<String> names() {
        Set<String> distinct = new LinkedHashSet<>();
        outer:
        for (String name : names) {
            for (String seen : distinct) {
                if (seen.equalsIgnoreCase(name)) {
                    continue outer;
                }
            }
            distinct.add(name);
        }
        return distinct;
    }

    private int indexOf(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
