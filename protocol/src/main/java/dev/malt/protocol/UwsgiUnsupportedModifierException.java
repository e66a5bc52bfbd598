package dev.malt.protocol;

/**
 * A packet whose modifier1 is neither 0 (a request) nor 100 (a ping). uWSGI uses other modifiers for
 * its Python, Perl, Lua and signal subsystems; none of them means anything to a servlet worker.
 * The connection is closed.
 */
public final class UwsgiUnsupportedModifierException extends UwsgiProtocolException {

    private static final long serialVersionUID = 1L;

    private final int modifier1;
    private final int modifier2;

    public UwsgiUnsupportedModifierException(int modifier1, int modifier2) {
        super("unsupported uwsgi modifier1 " + modifier1 + " (modifier2 " + modifier2
                + "): Malt serves modifier1 0 (requests) and 100 (ping); check the frontend's uwsgi_modifier1");
        this.modifier1 = modifier1;
        this.modifier2 = modifier2;
    }

    public int modifier1() {
        return modifier1;
    }

    public int modifier2() {
        return modifier2;
    }
}
