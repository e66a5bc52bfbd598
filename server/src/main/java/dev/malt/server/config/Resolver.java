package dev.malt.server.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Substitutes uWSGI's variables in values:
 * <ul>
 *   <li>{@code %(name)}: the value of the first line that sets {@code name} (an option, a placeholder of the
 *       operator's own, or {@code set-placeholder = name=value}), itself substituted in its own file;</li>
 *   <li>{@code %d %p %s %n %e %c}: the INI file's directory (with a trailing /), path, file name, name without
 *       extension, extension and directory name; {@code %k}: CPU count; {@code %h}: host name;
 *       {@code %%}: a literal %;</li>
 *   <li>{@code $(NAME)}: an environment variable, which must be set.</li>
 * </ul>
 * Text put in is not scanned again, so an environment value containing % stays as it is. Any other
 * {@code %x} is left alone, as uWSGI does.
 */
final class Resolver {

    /** The value could not be substituted; the problem has already been reported. */
    static final class Unresolvable extends Exception {
        private static final Unresolvable INSTANCE = new Unresolvable();

        private Unresolvable() {
            super(null, null, false, false);
        }
    }

    private static final String BARE_KEY_VALUE = "true";

    private final Map<String, String> environment;
    private final HostInfo host;
    private final Problems problems;
    private final boolean forIniLine;
    private final Map<String, Entry> firstByKey = new HashMap<>();
    private final Map<Entry, String> done = new IdentityHashMap<>();
    private final Set<Entry> failed = Collections.newSetFromMap(new IdentityHashMap<>());
    private final List<Entry> inProgress = new ArrayList<>();

    /**
     * @param entries    the entries placeholders may refer to
     * @param forIniLine true when substituting an {@code ini} line, which may only use lines above it
     */
    Resolver(List<Entry> entries, Map<String, String> environment, HostInfo host, Problems problems,
             boolean forIniLine) {
        this.environment = environment;
        this.host = host;
        this.problems = problems;
        this.forIniLine = forIniLine;
        for (Entry entry : entries) {
            firstByKey.putIfAbsent(entry.key(), entry);
            Entry defined = placeholderDefinedBy(entry);
            if (defined != null) {
                firstByKey.putIfAbsent(defined.key(), defined);
            }
        }
    }

    /** Names used as {@code %(name)} anywhere in these entries' raw values. */
    static Set<String> referencedNames(List<Entry> entries) {
        Set<String> names = new HashSet<>();
        for (Entry entry : entries) {
            String v = entry.value() == null ? "" : entry.value();
            int i = 0;
            while (i < v.length() - 1) {
                if (v.charAt(i) == '%' && v.charAt(i + 1) == '%') {
                    i += 2; // a literal %, so a following "(" opens nothing
                } else if (v.charAt(i) == '%' && v.charAt(i + 1) == '(' && v.indexOf(')', i + 2) > 0) {
                    int close = v.indexOf(')', i + 2);
                    names.add(v.substring(i + 2, close));
                    i = close + 1;
                } else {
                    i++;
                }
            }
        }
        return names;
    }

    /** The placeholder a {@code set-placeholder = name=value} line defines, or null. */
    static Entry placeholderDefinedBy(Entry entry) {
        if (entry.value() == null || !Option.SET_PLACEHOLDER.names().contains(entry.key())) {
            return null;
        }
        int eq = entry.value().indexOf('=');
        if (eq <= 0) {
            return null;
        }
        return new Entry(entry.value().substring(0, eq).strip(), entry.value().substring(eq + 1).strip(),
                entry.source(), entry.file());
    }

    /** The entry's value with every variable substituted; null for a bare key. */
    String resolve(Entry entry) throws Unresolvable {
        String cached = done.get(entry);
        if (cached != null || done.containsKey(entry)) {
            return cached;
        }
        if (failed.contains(entry)) {
            throw Unresolvable.INSTANCE;
        }
        int loopStart = inProgress.indexOf(entry);
        if (loopStart >= 0) {
            List<String> chain = new ArrayList<>();
            for (Entry e : inProgress.subList(loopStart, inProgress.size())) {
                chain.add("%(" + e.key() + ")");
            }
            chain.add("%(" + entry.key() + ")");
            problems.add(entry.source(), entry.key(), Messages.placeholderLoop(chain));
            throw Unresolvable.INSTANCE;
        }
        inProgress.add(entry);
        try {
            String value = entry.value() == null ? null : expand(entry.value(), entry);
            done.put(entry, value);
            return value;
        } catch (Unresolvable e) {
            failed.add(entry);
            throw e;
        } finally {
            inProgress.remove(inProgress.size() - 1);
        }
    }

    private String expand(String raw, Entry owner) throws Unresolvable {
        StringBuilder out = new StringBuilder(raw.length());
        int i = 0;
        while (i < raw.length()) {
            char c = raw.charAt(i);
            char next = i + 1 < raw.length() ? raw.charAt(i + 1) : 0;
            if (c == '%' && next == '%') {
                out.append('%');
                i += 2;
            } else if (c == '%' && next == '(') {
                int close = closingParen(raw, i, "%(", owner);
                out.append(placeholder(raw.substring(i + 2, close), owner));
                i = close + 1;
            } else if (c == '$' && next == '(') {
                int close = closingParen(raw, i, "$(", owner);
                out.append(environmentVariable(raw.substring(i + 2, close), owner));
                i = close + 1;
            } else if (c == '%' && (IniFile.isFileVariable(next) || next == 'k' || next == 'h')) {
                out.append(magic(next, owner));
                i += 2;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    private int closingParen(String raw, int at, String opener, Entry owner) throws Unresolvable {
        int close = raw.indexOf(')', at + 2);
        if (close < 0) {
            throw report(owner, Messages.unterminated(opener));
        }
        return close;
    }

    private String placeholder(String name, Entry owner) throws Unresolvable {
        Entry target = firstByKey.get(name);
        if (target == null) {
            throw report(owner, forIniLine ? Messages.placeholderNotYetSet(name) : Messages.undefinedPlaceholder(name));
        }
        String value = resolve(target);
        return value == null ? BARE_KEY_VALUE : value;
    }

    private String environmentVariable(String name, Entry owner) throws Unresolvable {
        String value = environment.get(name);
        if (value == null) {
            throw report(owner, Messages.unsetEnvironment(name));
        }
        return value;
    }

    private String magic(char variable, Entry owner) throws Unresolvable {
        if (variable == 'k') {
            return Integer.toString(host.cpuCount());
        }
        if (variable == 'h') {
            return host.hostname();
        }
        if (owner.file() == null) {
            throw report(owner, Messages.magicNeedsFile(variable));
        }
        return owner.file().magic(variable);
    }

    private Unresolvable report(Entry owner, String message) {
        problems.add(owner.source(), owner.key(), message);
        return Unresolvable.INSTANCE;
    }
}
