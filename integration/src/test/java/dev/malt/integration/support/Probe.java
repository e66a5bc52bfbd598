package dev.malt.integration.support;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What ProbeServlet's {@code /inspect} reported about a request. */
public final class Probe {

    private final Map<String, Object> json;
    private final HttpResponse response;

    Probe(Map<String, Object> json, HttpResponse response) {
        this.json = json;
        this.response = response;
    }

    /** A top-level field as JSON gave it (String, Long, Boolean, null, Map or List). */
    public Object get(String field) {
        if (!json.containsKey(field)) {
            throw new AssertionError("/inspect answer has no field '" + field + "':\n" + response);
        }
        return json.get(field);
    }

    public String string(String field) {
        Object value = get(field);
        return value == null ? null : value.toString();
    }

    public long number(String field) {
        Object value = get(field);
        if (!(value instanceof Number n)) {
            throw new AssertionError("/inspect field '" + field + "' is not a number: " + value);
        }
        return n.longValue();
    }

    public boolean bool(String field) {
        Object value = get(field);
        if (!(value instanceof Boolean b)) {
            throw new AssertionError("/inspect field '" + field + "' is not a boolean: " + value);
        }
        return b;
    }

    /** Every value of a request parameter; empty when absent. */
    public List<String> parameter(String name) {
        return strings(map("parameters").get(name));
    }

    public Map<String, Object> parameters() {
        return map("parameters");
    }

    /** Every value of a request header (name compared case-insensitively, as the servlet API does). */
    public List<String> header(String name) {
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, Object> h : map("headers").entrySet()) {
            if (h.getKey().equalsIgnoreCase(name)) {
                values.addAll(strings(h.getValue()));
            }
        }
        return values;
    }

    /** Header names in the order the request listed them. */
    public List<String> headerNames() {
        return new ArrayList<>(map("headers").keySet());
    }

    /** Cookies as "name=value" strings, in order. */
    public List<String> cookies() {
        List<String> out = new ArrayList<>();
        Object value = get("cookies");
        if (value instanceof List<?> list) {
            for (Object o : list) {
                Map<?, ?> cookie = (Map<?, ?>) o;
                out.add(cookie.get("name") + "=" + cookie.get("value"));
            }
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> map(String field) {
        Object value = get(field);
        if (!(value instanceof Map)) {
            throw new AssertionError("/inspect field '" + field + "' is not an object: " + value);
        }
        return (Map<String, Object>) value;
    }

    private static List<String> strings(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            for (Object o : list) {
                out.add(o == null ? null : o.toString());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return response.text();
    }
}
