package dev.malt.protocol;

/**
 * The head of a uwsgi request packet: modifiers and vars. The body follows as {@link UwsgiContent}
 * messages, the last one flagged, even when the body is empty.
 */
public final class UwsgiRequest {

    private final int modifier1;
    private final int modifier2;
    private final UwsgiVars vars;
    private final long contentLength;

    public UwsgiRequest(int modifier1, int modifier2, UwsgiVars vars, long contentLength) {
        this.modifier1 = modifier1;
        this.modifier2 = modifier2;
        this.vars = vars;
        this.contentLength = contentLength;
    }

    public int modifier1() {
        return modifier1;
    }

    public int modifier2() {
        return modifier2;
    }

    public UwsgiVars vars() {
        return vars;
    }

    /** Body length from CONTENT_LENGTH; 0 when it is absent or empty. */
    public long contentLength() {
        return contentLength;
    }

    @Override
    public String toString() {
        return "UwsgiRequest{modifier1=" + modifier1 + ", modifier2=" + modifier2 + ", vars=" + vars.size()
                + ", contentLength=" + contentLength + '}';
    }
}
