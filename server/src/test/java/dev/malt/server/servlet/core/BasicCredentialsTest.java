package dev.malt.server.servlet.core;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The Authorization header of RFC 7617. */
class BasicCredentialsTest {

    private static String basic(String userPass, java.nio.charset.Charset charset) {
        return "Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(charset));
    }

    @Test
    void userAndPasswordInUtf8WithColonsInThePassword() {
        assertEquals(new BasicCredentials("jörg", "pa:ss wörd"),
                BasicCredentials.parse(basic("jörg:pa:ss wörd", StandardCharsets.UTF_8)));
        assertEquals(new BasicCredentials("alice", ""), BasicCredentials.parse(basic("alice:", StandardCharsets.UTF_8)));
        assertEquals(new BasicCredentials("a", "b"), BasicCredentials.parse("basic   " + Base64.getEncoder()
                .encodeToString("a:b".getBytes(StandardCharsets.US_ASCII)) + " "));
    }

    @Test
    void aClientThatSendsLatin1IsReadAsSuch() {
        assertEquals(new BasicCredentials("jörg", "pw"), BasicCredentials.parse(basic("jörg:pw", StandardCharsets.ISO_8859_1)));
    }

    @Test
    void anythingElseIsNoCredentials() {
        assertNull(BasicCredentials.parse(null));
        assertNull(BasicCredentials.parse("Bearer abc"));
        assertNull(BasicCredentials.parse("Basic"));
        assertNull(BasicCredentials.parse("Basicabc"));
        assertNull(BasicCredentials.parse("Basic !!!not-base64"));
        assertNull(BasicCredentials.parse(basic("no-colon", StandardCharsets.UTF_8)));
        assertNull(BasicCredentials.parse("Basic " + "A".repeat(BasicCredentials.MAX_HEADER_CHARS)));
    }

    @Test
    void thePasswordStaysOutOfToString() {
        assertEquals("BasicCredentials[alice]", new BasicCredentials("alice", "secret").toString());
    }
}
