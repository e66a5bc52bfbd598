package dev.malt.protocol;

import io.netty.handler.codec.DecoderException;

/**
 * A uwsgi packet that breaks the wire format: a zero-length key, a pair that overruns its block,
 * a truncated block, datasize 0, a CONTENT_LENGTH that is not a number, or EOF before the body ended.
 * A server answers 400 if it can still write a response, and closes the connection otherwise.
 * After this is raised the decoder discards everything else the connection sends.
 */
public class UwsgiProtocolException extends DecoderException {

    private static final long serialVersionUID = 1L;

    public UwsgiProtocolException(String message) {
        super(message);
    }
}
