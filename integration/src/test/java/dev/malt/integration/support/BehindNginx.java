package dev.malt.integration.support;

/**
 * One Malt app on a unix uwsgi socket with a real nginx in front (the shipped snippet), as an operator
 * runs a WAR: tests talk to {@link #endpoint()} only, as a browser would.
 *
 * <pre>
 * try (BehindNginx app = BehindNginx.start(MaltProcess.war("shop", Tools.war("spring-mvc")))) { ... }
 * </pre>
 */
public final class BehindNginx implements AutoCloseable {

    private final MaltProcess malt;
    private final Nginx nginx;

    private BehindNginx(MaltProcess malt, Nginx nginx) {
        this.malt = malt;
        this.nginx = nginx;
    }

    /** Adds {@code socket = DIR/app.sock} to {@code app}, starts it, then nginx in front of that socket. */
    public static BehindNginx start(MaltProcess.Builder app) {
        Endpoint socket = Endpoint.unix(app.path("app.sock"));
        MaltProcess malt = app.socket(socket).start();
        try {
            return new BehindNginx(malt, Nginx.to(socket).start());
        } catch (RuntimeException | Error e) {
            malt.close();
            throw e;
        }
    }

    public MaltProcess malt() {
        return malt;
    }

    public Nginx nginx() {
        return nginx;
    }

    /** Where nginx listens: the address a user's browser would use. */
    public Endpoint endpoint() {
        return nginx.endpoint();
    }

    /** A fresh browser (no cookies) pointed at nginx. */
    public Browser browser() {
        return new Browser(endpoint());
    }

    public HttpResponse get(String target) {
        return RawHttp.get(target).send(endpoint());
    }

    @Override
    public void close() {
        try {
            nginx.close();
        } finally {
            malt.close();
        }
    }
}
