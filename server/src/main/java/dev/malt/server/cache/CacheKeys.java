package dev.malt.server.cache;

import java.util.List;
import java.util.Map;

/**
 * How entries are named in a store. The URI comes first, so purging a URI prefix is a key prefix in memory and a
 * {@code SCAN MATCH} in Redis:
 * <pre>
 * v URI \n SCHEME://HOST                      the resource's vary spec: the header names its response varies on
 * e URI \n SCHEME://HOST \n NAME=VALUE ...    one variant of the resource (no NAME=VALUE without Vary)
 * </pre>
 * A resource is a URI and an origin; the method is not part of it because only GET fills entries (a HEAD uses the
 * GET entry). Neither a URI nor a header value can hold a line feed, so these strings cannot run into each other.
 */
final class CacheKeys {

    static final char ENTRY = 'e';
    static final char VARY = 'v';

    private CacheKeys() {
    }

    /** {@code URI \n SCHEME://HOST}, the host in lower case. */
    static String resource(String uri, String scheme, String host) {
        return uri + '\n' + scheme + "://" + host.toLowerCase(java.util.Locale.ROOT);
    }

    static String varyKey(String resource) {
        return VARY + resource;
    }

    /**
     * The entry of the variant {@code headers} select under {@code varyNames} (lower-case names, sorted). An absent
     * header and an empty one are different variants.
     */
    static String entryKey(String resource, List<String> varyNames, Map<String, String> headers) {
        StringBuilder key = new StringBuilder(resource.length() + 2 + varyNames.size() * 24);
        key.append(ENTRY).append(resource).append('\n');
        for (int i = 0; i < varyNames.size(); i++) {
            String name = varyNames.get(i);
            String value = headers.get(name);
            if (i > 0) {
                key.append('\n');
            }
            key.append(name);
            if (value != null) {
                key.append('=').append(value);
            }
        }
        return key.toString();
    }

    /** Whether a store key belongs to a URI that starts with {@code uriPrefix}. */
    static boolean underPrefix(String key, String uriPrefix) {
        char kind = key.isEmpty() ? 0 : key.charAt(0);
        return (kind == ENTRY || kind == VARY) && key.startsWith(uriPrefix, 1);
    }
}
