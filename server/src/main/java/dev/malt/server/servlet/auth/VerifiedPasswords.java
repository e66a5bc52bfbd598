package dev.malt.server.servlet.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Recent successful password checks, so that BASIC authentication, which sends the password with every
 * request, does not pay for bcrypt (tens of milliseconds by design) each time. Holds no passwords: an
 * entry is the user and an HMAC of the password under a key made at random when the worker starts,
 * with the hash it was checked against; a changed hash (a new password) therefore misses. Failed
 * checks are never remembered. Bounded, least recently used first out; thread-safe.
 */
final class VerifiedPasswords {

    /** Enough for every active user of a typical app; an entry is about 200 bytes. */
    static final int DEFAULT_MAX_ENTRIES = 1000;

    private final int maxEntries;
    private final SecretKeySpec key;
    private final Map<String, PasswordHash> entries;

    VerifiedPasswords(int maxEntries) {
        if (maxEntries < 0) {
            throw new IllegalArgumentException("maxEntries < 0: " + maxEntries);
        }
        this.maxEntries = maxEntries;
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.entries = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PasswordHash> eldest) {
                return size() > VerifiedPasswords.this.maxEntries;
            }
        };
    }

    boolean contains(String user, byte[] password, PasswordHash hash) {
        if (maxEntries == 0) {
            return false;
        }
        String entry = entryKey(user, password);
        synchronized (entries) {
            return hash.equals(entries.get(entry));
        }
    }

    void add(String user, byte[] password, PasswordHash hash) {
        if (maxEntries == 0) {
            return;
        }
        String entry = entryKey(user, password);
        synchronized (entries) {
            entries.put(entry, hash);
        }
    }

    void clear() {
        synchronized (entries) {
            entries.clear();
        }
    }

    int size() {
        synchronized (entries) {
            return entries.size();
        }
    }

    private String entryKey(String user, byte[] password) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return user + '\n' + Base64.getEncoder().encodeToString(mac.doFinal(password));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
