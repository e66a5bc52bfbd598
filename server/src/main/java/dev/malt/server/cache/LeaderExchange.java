package dev.malt.server.cache;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.servlet.GatewayExchange;
import dev.malt.server.servlet.ResponseChannel;
import dev.malt.server.servlet.UpgradedConnection;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The exchange the app sees when its request fills a cache entry: the response goes to the client as usual and,
 * if its head allows storing, is copied aside (at most {@code cache-max-item-size} bytes) and STOREd when it
 * finishes, whenever that is (an async response too). Anything else ends the lead: an abort, a response that may
 * not be stored, one that grew too large. Exactly one STORE or ABANDON goes to the master.
 *
 * <p>The app sees the request as the entry needs it: a HEAD becomes a GET (the client still gets no body: the
 * transport sees its HEAD), and the client's {@code If-None-Match}, {@code If-Modified-Since}, {@code Range} and
 * {@code If-Range} are left out, so the app sends the whole 200 that others will be served. The client then gets
 * that whole response, which is always a valid answer.
 */
final class LeaderExchange implements GatewayExchange, ResponseChannel {

    /** Request headers that would make the app send something other than the entry. */
    private static final Set<String> HIDDEN = Set.of("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_RANGE",
            "HTTP_IF_RANGE");
    private static final byte[] EMPTY = new byte[0];
    private static final int FIRST_BUFFER = 8 * 1024;

    private final GatewayExchange inner;
    private final ResponseChannel out;
    private final UwsgiVars vars;
    private final CacheRules.Candidate candidate;
    private final CacheClient.Lead lead;
    private final CacheRules rules;
    private final CacheClient client;
    private final int maxItemBytes;
    private final AtomicBoolean settled = new AtomicBoolean();
    private volatile boolean detached;

    private CacheRules.Storability storability = CacheRules.Storability.NO;
    private int status;
    private String reason;
    private List<Map.Entry<String, String>> headers = List.of();
    private boolean capturing;
    private byte[] body = EMPTY;
    private int length;
    private int headBytes;

    LeaderExchange(GatewayExchange inner, CacheRules.Candidate candidate, CacheClient.Lead lead, CacheRules rules,
                   CacheClient client, int maxItemBytes) {
        this.inner = inner;
        this.out = inner.response();
        this.vars = asEntryRequest(inner.vars());
        this.candidate = candidate;
        this.lead = lead;
        this.rules = rules;
        this.client = client;
        this.maxItemBytes = maxItemBytes;
    }

    static UwsgiVars asEntryRequest(UwsgiVars vars) {
        UwsgiVars.Builder builder = UwsgiVars.builder();
        for (int i = 0; i < vars.size(); i++) {
            String name = vars.name(i);
            if (HIDDEN.contains(name)) {
                continue;
            }
            if (name.equals("REQUEST_METHOD") && vars.value(i).equals("HEAD")) {
                builder.add(name, "GET");
            } else {
                builder.add(name, vars.rawValue(i));
            }
        }
        return builder.build();
    }

    boolean isDetached() {
        return detached;
    }

    /** Ends the lead as failed, if nothing else ended it: the handler threw. */
    void failed() {
        settle(false);
    }

    // ---- GatewayExchange ----------------------------------------------------------------------

    @Override
    public UwsgiVars vars() {
        return vars;
    }

    @Override
    public InputStream body() {
        return inner.body();
    }

    @Override
    public ResponseChannel response() {
        return this;
    }

    @Override
    public String connectionId() {
        return inner.connectionId();
    }

    @Override
    public String connectionProtocol() {
        return inner.connectionProtocol();
    }

    @Override
    public void whenBodyReadable(Runnable callback) {
        inner.whenBodyReadable(callback);
    }

    @Override
    public void whenPeerGone(Runnable callback) {
        inner.whenPeerGone(callback);
    }

    @Override
    public void detach() {
        detached = true;
        inner.detach();
    }

    @Override
    public boolean trailerFieldsReady() {
        return inner.trailerFieldsReady();
    }

    @Override
    public Map<String, String> trailerFields() {
        return inner.trailerFields();
    }

    @Override
    public boolean canUpgrade() {
        return inner.canUpgrade();
    }

    @Override
    public void upgradeAfterResponse(Consumer<UpgradedConnection> switched, Runnable notSwitched) {
        inner.upgradeAfterResponse(switched, notSwitched);
    }

    // ---- ResponseChannel ----------------------------------------------------------------------

    @Override
    public void writeHead(int status, String reason, List<Map.Entry<String, String>> headers, long contentLength)
            throws IOException {
        this.status = status;
        this.reason = reason;
        this.headers = withoutAge(headers);
        storability = rules.forResponse(candidate, status, headers);
        headBytes = 64;
        for (Map.Entry<String, String> header : this.headers) {
            headBytes += 8 + header.getKey().length() + (header.getValue() == null ? 0 : header.getValue().length());
        }
        capturing = storability.storable() && headBytes <= maxItemBytes
                && (contentLength < 0 || contentLength <= maxItemBytes - headBytes);
        if (capturing && contentLength > 0) {
            body = new byte[(int) contentLength];
        }
        if (!capturing) {
            notStorable();
        }
        out.writeHead(status, reason, headers, contentLength);
    }

    private static List<Map.Entry<String, String>> withoutAge(List<Map.Entry<String, String>> headers) {
        List<Map.Entry<String, String>> kept = new ArrayList<>(headers.size());
        for (Map.Entry<String, String> header : headers) {
            if (!header.getKey().equalsIgnoreCase("Age")) {
                kept.add(header);
            }
        }
        return kept;
    }

    @Override
    public void write(byte[] bytes, int offset, int count) throws IOException {
        if (capturing && count > 0 && room(count)) {
            System.arraycopy(bytes, offset, body, length, count);
            length += count;
        }
        out.write(bytes, offset, count);
    }

    @Override
    public void writeFile(Path file, long position, long count) throws IOException {
        if (capturing && count > 0 && count <= Integer.MAX_VALUE && room((int) count)) {
            try (FileChannel channel = FileChannel.open(file)) {
                ByteBuffer into = ByteBuffer.wrap(body, length, (int) count);
                long at = position;
                while (into.hasRemaining()) {
                    int n = channel.read(into, at);
                    if (n < 0) {
                        capturing = false; // the file is shorter than said; the transport will fail it too
                        break;
                    }
                    at += n;
                }
                length += (int) count;
            }
        } else if (count > Integer.MAX_VALUE && capturing) {
            capturing = false;
            notStorable();
        }
        out.writeFile(file, position, count);
    }

    /** Makes room for {@code count} more body bytes, or stops capturing when the entry would be too large. */
    private boolean room(int count) {
        long needed = (long) length + count;
        if (needed > maxItemBytes - headBytes) {
            capturing = false;
            body = EMPTY;
            notStorable();
            return false;
        }
        if (needed > body.length) {
            body = Arrays.copyOf(body, (int) Math.min(maxItemBytes - headBytes,
                    Math.max(needed, Math.max(FIRST_BUFFER, 2L * body.length))));
        }
        return true;
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void finish() throws IOException {
        try {
            out.finish();
        } catch (IOException | RuntimeException e) {
            settle(false);
            throw e;
        }
        settle(true);
    }

    @Override
    public void abort(Throwable cause) {
        out.abort(cause);
        settle(false);
    }

    @Override
    public boolean isHeadWritten() {
        return out.isHeadWritten();
    }

    @Override
    public boolean supportsTrailers() {
        return out.supportsTrailers();
    }

    @Override
    public void setTrailers(Map<String, String> trailers) {
        if (trailers != null && !trailers.isEmpty() && capturing) {
            capturing = false; // an entry cannot give other clients trailer fields
            notStorable();
        }
        out.setTrailers(trailers);
    }

    @Override
    public void setNonBlocking() {
        out.setNonBlocking();
    }

    @Override
    public boolean isReady() {
        return out.isReady();
    }

    @Override
    public void whenReady(Runnable callback) {
        out.whenReady(callback);
    }

    /**
     * Known early that this response will not be stored: the requests waiting for it are let go now, not when
     * a large or slow response finally ends.
     */
    private void notStorable() {
        if (settled.compareAndSet(false, true)) {
            client.abandon(lead, CacheProtocol.UNCACHEABLE);
        }
        body = EMPTY;
    }

    /** Once: STORE a finished, storable response; otherwise ABANDON (not storable, or failed). */
    private void settle(boolean finished) {
        if (!settled.compareAndSet(false, true)) {
            return;
        }
        if (finished && capturing && storability.storable()) {
            client.store(lead, storability.ttlMillis(), storability.vary(), status, reason, headers, body, length);
        } else {
            client.abandon(lead, finished ? CacheProtocol.UNCACHEABLE : CacheProtocol.FAILED);
        }
        body = EMPTY;
    }
}
