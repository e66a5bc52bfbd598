package dev.malt.server.servlet.session;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Sessions in Redis, shared by every worker of the app on every machine that uses the same Redis and
 * database. Per context, under the prefix {@code malt:session:{APP:CONTEXT}:}:
 *
 * <ul>
 *   <li>{@code d:ID} holds the record ({@link SessionCodec}'s format), with a TTL a little above the
 *       session's idle limit, so Redis drops sessions itself if no worker is left to sweep;</li>
 *   <li>{@code expiry} is a sorted set of ids by expiry time, which the workers sweep.</li>
 * </ul>
 *
 * Each operation is one Lua script, atomic in Redis: a read compares the revision inside Redis and
 * leaves the record there when the worker has it already; a claim (expiry or invalidation) removes the
 * id from the set and the record together, so one worker only gets the session and fires its listeners;
 * a save writes only over an existing record, so a session ended elsewhere stays ended. The braces make
 * every key of a context hash to one Redis Cluster slot.
 */
final class RedisSessionBackend implements SessionBackend {

    private static final int SWEEP_BATCH = 256;

    private static final Script READ = new Script(String.join("\n",
            "local v = redis.call('GET', KEYS[1])",
            "if not v then return {} end",
            "local s = redis.call('ZSCORE', KEYS[2], ARGV[1]) or '0'",
            "if ARGV[2] ~= '' and string.sub(v, 9, 16) == ARGV[2] then v = '' end",
            "return {v, s}"));
    private static final Script TOUCH = new Script(String.join("\n",
            "if redis.call('PEXPIRE', KEYS[1], ARGV[3]) == 0 then return 0 end",
            "redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])",
            "return 1"));
    private static final Script WRITE = new Script(String.join("\n",
            "local ok",
            "if ARGV[5] == '1' then ok = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])",
            "else ok = redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'XX') end",
            "if not ok then return 0 end",
            "redis.call('ZADD', KEYS[2], ARGV[3], ARGV[4])",
            "return 1"));
    private static final Script DELETE = new Script(String.join("\n",
            "local n = redis.call('DEL', KEYS[1])",
            "redis.call('ZREM', KEYS[2], ARGV[1])",
            "return n"));
    private static final Script RENAME = new Script(String.join("\n",
            "if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end",
            "redis.call('RENAME', KEYS[1], KEYS[2])",
            "local s = redis.call('ZSCORE', KEYS[3], ARGV[1])",
            "redis.call('ZREM', KEYS[3], ARGV[1])",
            "if s then redis.call('ZADD', KEYS[3], s, ARGV[2]) end",
            "return 1"));
    private static final Script CLAIM_EXPIRED = new Script(String.join("\n",
            "local s = redis.call('ZSCORE', KEYS[2], ARGV[1])",
            "if not s or tonumber(s) > tonumber(ARGV[2]) then return {} end",
            "redis.call('ZREM', KEYS[2], ARGV[1])",
            "local v = redis.call('GET', KEYS[1])",
            "redis.call('DEL', KEYS[1])",
            "return {v or '', s}"));

    private final RedisConnector redis;
    private final String prefix;
    private final byte[] expiryKey;
    private final long ttlMarginMillis;

    /**
     * @param ttlMarginMillis how much longer than its idle limit Redis keeps a record: time for a sweep to
     *                        claim it (and fire its listeners) first
     */
    RedisSessionBackend(RedisConnector redis, String appName, String contextDir, long ttlMarginMillis) {
        this.redis = redis;
        this.prefix = "malt:session:{" + appName + ":" + contextDir + "}:";
        this.expiryKey = bytes(prefix + "expiry");
        this.ttlMarginMillis = ttlMarginMillis;
    }

    private byte[] dataKey(String id) {
        return bytes(prefix + "d:" + id);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] number(long n) {
        return bytes(Long.toString(n));
    }

    private static long score(Object value) {
        return (long) Double.parseDouble(new String((byte[]) value, StandardCharsets.US_ASCII));
    }

    @Override
    public Stored read(String id, long knownRevision) {
        List<Object> reply = eval(READ, ScriptOutputType.MULTI, keys(dataKey(id), expiryKey), bytes(id),
                knownRevision == 0 ? new byte[0] : SessionCodec.revisionBytes(knownRevision));
        if (reply == null || reply.isEmpty()) {
            return null;
        }
        byte[] record = (byte[]) reply.get(0);
        return new Stored(record.length == 0 ? null : record, score(reply.get(1)));
    }

    @Override
    public void touch(String id, long expiresAt, long lifetimeMillis) {
        eval(TOUCH, ScriptOutputType.INTEGER, keys(dataKey(id), expiryKey), bytes(id), number(expiresAt),
                number(lifetimeMillis + ttlMarginMillis));
    }

    @Override
    public boolean write(String id, byte[] record, long expiresAt, long lifetimeMillis, boolean create) {
        Long written = eval(WRITE, ScriptOutputType.INTEGER, keys(dataKey(id), expiryKey), record,
                number(lifetimeMillis + ttlMarginMillis), number(expiresAt), bytes(id), bytes(create ? "1" : "0"));
        return written != null && written == 1;
    }

    @Override
    public boolean delete(String id) {
        Long deleted = eval(DELETE, ScriptOutputType.INTEGER, keys(dataKey(id), expiryKey), bytes(id));
        return deleted != null && deleted == 1;
    }

    @Override
    public boolean rename(String oldId, String newId) {
        Long renamed = eval(RENAME, ScriptOutputType.INTEGER, keys(dataKey(oldId), dataKey(newId), expiryKey),
                bytes(oldId), bytes(newId));
        return renamed != null && renamed == 1;
    }

    @Override
    public Sweep claimExpired(long now) {
        List<Claimed> claimed = new ArrayList<>();
        while (true) {
            List<byte[]> due = redis.call(c -> c.zrangebyscore(expiryKey,
                    Range.from(Range.Boundary.unbounded(), Range.Boundary.including(now)), Limit.create(0, SWEEP_BATCH)));
            int before = claimed.size();
            for (byte[] idBytes : due) {
                String id = new String(idBytes, StandardCharsets.UTF_8);
                List<Object> reply = eval(CLAIM_EXPIRED, ScriptOutputType.MULTI, keys(dataKey(id), expiryKey),
                        idBytes, number(now));
                if (reply != null && !reply.isEmpty()) {
                    byte[] record = (byte[]) reply.get(0);
                    claimed.add(new Claimed(id, record.length == 0 ? null : record, score(reply.get(1))));
                }
            }
            if (due.size() < SWEEP_BATCH || claimed.size() == before) {
                break; // done, or the rest is another worker's to claim right now
            }
        }
        return new Sweep(claimed, count());
    }

    @Override
    public int count() {
        Long count = redis.call(c -> c.zcard(expiryKey));
        return count == null ? 0 : (int) Math.min(Integer.MAX_VALUE, count);
    }

    private static byte[][] keys(byte[]... keys) {
        return keys;
    }

    /** EVALSHA, and EVAL once when Redis does not have the script (a restart, another database server). */
    private <T> T eval(Script script, ScriptOutputType type, byte[][] keys, byte[]... args) {
        return redis.call((RedisCommands<byte[], byte[]> c) -> {
            try {
                return c.<T>evalsha(script.sha, type, keys, args);
            } catch (RedisNoScriptException e) {
                return c.<T>eval(script.text, type, keys, args);
            }
        });
    }

    @Override
    public String describe() {
        return redis.display() + " (" + prefix + "*)";
    }

    @Override
    public void close() {
        // the connection is the app's, closed by SessionStores
    }

    /** A Lua script and its SHA-1, as EVALSHA wants it. */
    private static final class Script {
        final String text;
        final String sha;

        Script(String text) {
            this.text = text;
            try {
                this.sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("the JDK has no SHA-1", e);
            }
        }
    }
}
