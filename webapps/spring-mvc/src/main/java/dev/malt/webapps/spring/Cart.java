package dev.malt.webapps.spring;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** A visitor's cart, kept in the HTTP session (Serializable, as session attributes should be). */
public class Cart implements Serializable {

    private static final long serialVersionUID = 1L;

    static final String SESSION_KEY = "cart";

    private final LinkedHashMap<String, Integer> quantities = new LinkedHashMap<>();

    public void add(String itemId) {
        quantities.merge(itemId, 1, Integer::sum);
    }

    public Map<String, Integer> quantities() {
        return Map.copyOf(quantities);
    }

    /** Items in the order they were first added. */
    public Iterable<Map.Entry<String, Integer>> lines() {
        return quantities.entrySet();
    }

    public int count() {
        return quantities.values().stream().mapToInt(Integer::intValue).sum();
    }
}
