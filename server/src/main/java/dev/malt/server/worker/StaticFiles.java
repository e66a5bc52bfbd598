package dev.malt.server.worker;

import dev.malt.protocol.UwsgiVars;
import dev.malt.server.config.AppConfig;
import dev.malt.server.files.FileRequest;
import dev.malt.server.files.StaticMappings;
import dev.malt.server.servlet.internal.HttpDates;
import dev.malt.server.servlet.internal.MimeTypes;
import dev.malt.server.servlet.internal.PercentDecoder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelProgressiveFuture;
import io.netty.channel.ChannelProgressiveFutureListener;
import io.netty.channel.ChannelProgressivePromise;
import io.netty.channel.DefaultFileRegion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Serves {@code static-map} files on the event loop, before a request would reach the app: no app thread is
 * taken, and the file goes out with sendfile (a {@link DefaultFileRegion}) on the uwsgi socket and the
 * http-socket alike. Conditional requests and ranges follow {@link FileRequest}, as the servlet container's
 * default servlet does; {@code static-expires} rules add {@code Expires} and {@code Cache-Control}.
 */
final class StaticFiles {

    private static final Logger LOG = LoggerFactory.getLogger(StaticFiles.class);
    private static final dev.malt.server.logging.RateLimitedLog STALLED =
            new dev.malt.server.logging.RateLimitedLog(LOG, "static-file responses cut off for a stalled client");
    private static final byte[] FORBIDDEN = "Forbidden.\n".getBytes(StandardCharsets.US_ASCII);
    /** For files without a known type: browsers must not guess (and run) what a user uploaded. */
    private static final String UNKNOWN_TYPE = "application/octet-stream";

    private final StaticMappings mappings;
    private final List<AppConfig.ExpiresRule> byPath;
    private final List<AppConfig.ExpiresRule> byUri;
    private final long stallMillis;

    /**
     * @param stallMillis how long a client may take no bytes of a file before its connection is closed
     *                    ({@code socket-timeout})
     */
    StaticFiles(StaticMappings mappings, List<AppConfig.ExpiresRule> byPath, List<AppConfig.ExpiresRule> byUri,
                long stallMillis) {
        this.mappings = mappings;
        this.byPath = List.copyOf(byPath);
        this.byUri = List.copyOf(byUri);
        this.stallMillis = stallMillis;
    }

    /** The app's static files, or null when it maps none. */
    static StaticFiles from(AppConfig config) throws IOException {
        if (config.staticMaps().isEmpty()) {
            return null;
        }
        List<Map.Entry<String, java.nio.file.Path>> maps = new ArrayList<>();
        for (AppConfig.StaticMap map : config.staticMaps()) {
            maps.add(Map.entry(map.prefix(), map.target()));
        }
        return new StaticFiles(StaticMappings.of(maps), config.staticExpires(), config.staticExpiresUri(),
                config.socketTimeoutSeconds() * 1000L);
    }

    /** Whether the request may be for a static file: a GET or HEAD under a mapped prefix. No file system access. */
    boolean wants(UwsgiVars vars) {
        String method = vars.get("REQUEST_METHOD", "GET");
        return (method.equals("GET") || method.equals("HEAD")) && mappings.matches(requestPath(vars));
    }

    /**
     * On the event loop: answers the request when it names a mapped file, or is a traversal attempt under a
     * mapped prefix; false when the app should answer it.
     */
    boolean serve(ChannelExchange exchange) throws IOException {
        UwsgiVars vars = exchange.vars();
        StaticMappings.Resolution resolution = mappings.resolve(requestPath(vars));
        if (resolution instanceof StaticMappings.Forbidden forbidden) {
            forbidden(exchange, forbidden.reason());
            return true;
        }
        if (!(resolution instanceof StaticMappings.Found found)) {
            return false;
        }
        FileChannel file;
        try {
            file = FileChannel.open(found.file(), StandardOpenOption.READ);
        } catch (AccessDeniedException e) {
            forbidden(exchange, "not readable by the worker");
            return true;
        } catch (IOException e) {
            return false; // gone since it was found: as if it never was
        }
        boolean handedOver = false;
        try {
            long length = file.size();
            long lastModified = found.attributes().lastModifiedTime().toMillis();
            FileRequest.Answer answer = FileRequest.evaluate(name -> header(vars, name), length, lastModified);
            List<Map.Entry<String, String>> headers = new ArrayList<>(10);
            headers.add(Map.entry("Date", HttpDates.now()));
            if (answer.outcome() == FileRequest.Outcome.PRECONDITION_FAILED) {
                exchange.writeHead(412, null, headers, 0);
                exchange.finish();
                return true;
            }
            if (answer.outcome() == FileRequest.Outcome.RANGE_NOT_SATISFIABLE) {
                headers.add(Map.entry("Content-Range", answer.contentRange()));
                exchange.writeHead(416, null, headers, 0);
                exchange.finish();
                return true;
            }
            headers.add(Map.entry("Last-Modified", HttpDates.format(lastModified)));
            headers.add(Map.entry("ETag", FileRequest.etag(length, lastModified)));
            expires(found.file().toString(), vars.get("REQUEST_URI", ""), headers);
            if (answer.outcome() == FileRequest.Outcome.NOT_MODIFIED) {
                exchange.writeHead(304, null, headers, -1);
                exchange.finish();
                return true;
            }
            String type = MimeTypes.forFileName(found.file().getFileName().toString());
            headers.add(Map.entry("Content-Type", type != null ? type : UNKNOWN_TYPE));
            headers.add(Map.entry("Accept-Ranges", "bytes"));
            if (answer.outcome() == FileRequest.Outcome.PARTIAL) {
                headers.add(Map.entry("Content-Range", answer.contentRange()));
            }
            exchange.writeHead(answer.status(), null, headers, answer.count());
            ChannelProgressivePromise progress = exchange.channel().newProgressivePromise();
            handedOver = true; // the region owns the file from here, and closes it when released
            exchange.writeRegion(new DefaultFileRegion(file, answer.start(), answer.count()), progress);
            exchange.finish(); // flushes: a file that fits the socket buffer is out already
            watchForStall(exchange.channel(), progress);
            return true;
        } finally {
            if (!handedOver) {
                file.close();
            }
        }
    }

    /**
     * Closes the connection of a client that takes no bytes for {@code stallMillis}; a slow one may take its
     * time. Only for a file still on its way after the flush, and the check is cancelled when it is out: at
     * thousands of files a second, a timer per file left in the loop's queue would cost memory and pauses.
     */
    private void watchForStall(Channel channel, ChannelProgressivePromise progress) {
        if (progress.isDone()) {
            return;
        }
        StallCheck check = new StallCheck(channel, progress);
        progress.addListener(check);
        check.schedule(stallMillis);
    }

    /** On the event loop: the time of the last progress, and the one pending check. */
    private final class StallCheck implements ChannelProgressiveFutureListener, Runnable {
        private final Channel channel;
        private final ChannelProgressivePromise progress;
        private long lastProgress = System.nanoTime();
        private io.netty.util.concurrent.ScheduledFuture<?> pending;

        StallCheck(Channel channel, ChannelProgressivePromise progress) {
            this.channel = channel;
            this.progress = progress;
        }

        void schedule(long delayMillis) {
            pending = channel.eventLoop().schedule(this, delayMillis, TimeUnit.MILLISECONDS);
        }

        @Override
        public void operationProgressed(ChannelProgressiveFuture future, long done, long total) {
            lastProgress = System.nanoTime();
        }

        @Override
        public void operationComplete(ChannelProgressiveFuture future) {
            if (pending != null) {
                pending.cancel(false);
            }
        }

        @Override
        public void run() {
            if (progress.isDone()) {
                return;
            }
            long idle = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastProgress);
            if (idle >= stallMillis) {
                STALLED.info("closing the connection from {}: it took no bytes of a static file for {} s (socket-timeout)",
                        channel.remoteAddress(), idle / 1000);
                channel.close();
            } else {
                schedule(stallMillis - idle);
            }
        }
    }

    /** The first static-expires rule that matches the file's real path, else the first static-expires-uri one. */
    private void expires(String file, String uri, List<Map.Entry<String, String>> headers) {
        AppConfig.ExpiresRule rule = first(byPath, file);
        if (rule == null) {
            rule = first(byUri, uri);
        }
        if (rule != null) {
            headers.add(Map.entry("Expires", HttpDates.format(System.currentTimeMillis() + rule.seconds() * 1000L)));
            headers.add(Map.entry("Cache-Control", "max-age=" + rule.seconds()));
        }
    }

    private static AppConfig.ExpiresRule first(List<AppConfig.ExpiresRule> rules, String text) {
        for (AppConfig.ExpiresRule rule : rules) {
            if (rule.pattern().matcher(text).find()) {
                return rule;
            }
        }
        return null;
    }

    private static void forbidden(ChannelExchange exchange, String reason) throws IOException {
        LOG.debug("403 for {}: {}", exchange.vars().get("REQUEST_URI"), reason);
        exchange.writeHead(403, null, List.of(Map.entry("Date", HttpDates.now()),
                Map.entry("Content-Type", "text/plain; charset=utf-8")), FORBIDDEN.length);
        exchange.write(FORBIDDEN, 0, FORBIDDEN.length);
        exchange.finish();
    }

    /** A request header from the CGI vars: {@code If-None-Match} is {@code HTTP_IF_NONE_MATCH}. */
    private static String header(UwsgiVars vars, String name) {
        List<String> values = vars.getAll("HTTP_" + name.toUpperCase(java.util.Locale.ROOT).replace('-', '_'));
        return values.isEmpty() ? null : values.size() == 1 ? values.get(0) : String.join(", ", values);
    }

    /** The decoded path as the frontend sent it (PATH_INFO), else REQUEST_URI's path decoded once. */
    static byte[] requestPath(UwsgiVars vars) {
        byte[] pathInfo = vars.getRaw("PATH_INFO");
        if (pathInfo != null && pathInfo.length > 0) {
            return pathInfo;
        }
        String uri = vars.get("REQUEST_URI", "/");
        int end = uri.length();
        for (int i = 0; i < uri.length(); i++) {
            if (uri.charAt(i) == '?' || uri.charAt(i) == '#') {
                end = i;
                break;
            }
        }
        byte[] raw = uri.substring(0, end).getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream decoded = new ByteArrayOutputStream(raw.length);
        PercentDecoder.decode(raw, 0, raw.length, false, decoded);
        return decoded.toByteArray();
    }
}
