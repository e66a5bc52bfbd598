package dev.malt.integration.support;

import java.time.Duration;

/** A web server in front of Malt (nginx or Apache) that the tests started on a free loopback port. */
public interface Frontend extends AutoCloseable {

    /** "nginx" or "apache". */
    String name();

    /** Where it listens for HTTP. */
    Endpoint endpoint();

    /** The Malt socket it proxies to. */
    Endpoint upstream();

    /** The process, for its logs. */
    LoggedProcess process();

    @Override
    void close();

    /** Polls {@code /.frontend-ready} (answered by the web server itself) until any HTTP answer comes. */
    static void awaitAnswer(Frontend frontend, LoggedProcess process, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError(frontend.name() + " exited with " + process.exitCode() + " at start:\n"
                        + process.describe(40));
            }
            try {
                RawHttp.get("/.frontend-ready").timeout(Duration.ofSeconds(2)).send(frontend.endpoint());
                return;
            } catch (RuntimeException e) {
                last = e;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        process.killTree();
        throw new AssertionError(frontend.name() + " did not answer on " + frontend.endpoint() + " within "
                + timeout.toSeconds() + " s (last error: " + last + "):\n" + process.describe(40));
    }
}
