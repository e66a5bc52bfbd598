package dev.malt.protocol;

/**
 * A ping packet (modifier1 100). The server answers with {@link UwsgiPackets#pong} and closes.
 *
 * @param modifier2 as sent; uWSGI's ping sends 0
 */
public record UwsgiPing(int modifier2) {
}
