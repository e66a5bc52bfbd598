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
    /** Fills the fields on first use; null once they are there. */
    private java.util.function.Consumer<HeaderFields> pending;

    public HeaderFields() {
    }

    /**
     * Fields that {@code filler} adds the first time anything asks for them: a request's headers then cost no
     * strings until the app or the container reads one, and many requests never do.
     */
    public static HeaderFields deferred(java.util.function.Consumer<HeaderFields> filler) {
        HeaderFields fields = new HeaderFields();
        fields.pending = filler;
        return fields;
    }

    private void fill() {
        java.util.function.Consumer<HeaderFields> filler = pending;
        if (filler != null) {
            pending = null;
            filler.accept(this);
        }
    }

    public int size() {
        fill();
        return names.size();
    }

    public String name(int i) {
        fill();
        return names.get(i);
    }

    public String value(int i) {
        fill();
        return values.get(i);
    }

    public void add(String name, String value) {
        fill();
        names.add(name);
        values.add(value);
    }

    /** Replaces every value of {@code name} by one, kept at the position of the first old value. */
    public void set(String name, String value) {
        fill();
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
        fill();
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
    }

    public void removeAt(int i) {
        fill();
        names.remove(i);
        values.remove(i);
    }

    public void clear() {
        fill();
        names.clear();
        values.clear();
    }

    public boolean contains(String name) {
        fill();
        return indexOf(name) >= 0;
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(String name) {
        fill();
        int i = indexOf(name);
        return i < 0 ? null : values.get(i);
    }

    /** Every value of {@code name}, in order; empty if none. */
    public List<String> getAll(String name) {
        fill();
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
        fill();
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
