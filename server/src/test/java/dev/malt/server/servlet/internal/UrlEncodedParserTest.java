package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrlEncodedParserTest {

    @Test
    void aSemicolonDoesNotSeparateParameters() {
        assertEquals(Map.of("a", List.of("1;b=2"), "c", List.of("3")), parse("a=1;b=2&c=3", StandardCharsets.UTF_8));
    }

    @Test
    void plusEscapesAndRepeats() {
        assertEquals(Map.of("q", List.of("a b+c", "x"), "e", List.of("")), parse("q=a+b%2Bc&e=&q=x", StandardCharsets.UTF_8));
    }

    @Test
    void aMalformedEscapeStaysLiteralAndCostsNoOtherParameter() {
        assertEquals(Map.of("bad", List.of("%zz"), "pct", List.of("100%"), "ok", List.of("1")),
                parse("bad=%zz&pct=100%&ok=1", StandardCharsets.UTF_8));
    }

    @Test
    void emptyNamesAreSkipped() {
        assertEquals(Map.of("a", List.of(""), "b", List.of("")), parse("&&a&=x&b=", StandardCharsets.UTF_8));
    }

    @Test
    void bytesAreDecodedWithTheCharset() {
        assertEquals(Map.of("n", List.of("caf\u00e9")), parse("n=caf%C3%A9", StandardCharsets.UTF_8));
        assertEquals(Map.of("n", List.of("caf\u00e9")), parse("n=caf\u00c3\u00a9", StandardCharsets.UTF_8), "raw UTF-8 bytes");
        assertEquals(Map.of("n", List.of("caf\u00e9")), parse("n=caf%E9", StandardCharsets.ISO_8859_1));
        assertEquals(Map.of("n", List.of("caf\ufffd")), parse("n=caf%E9", StandardCharsets.UTF_8), "invalid UTF-8");
    }

    @Test
    void tooManyParametersIsA400() {
        Map<String, List<String>> into = new LinkedHashMap<>();
        UrlEncodedParser.parse("a=1&".repeat(UrlEncodedParser.MAX_PARAMETERS), StandardCharsets.UTF_8, into);
        assertEquals(UrlEncodedParser.MAX_PARAMETERS, into.get("a").size());
        RequestRejectedException e = assertThrows(RequestRejectedException.class,
                () -> UrlEncodedParser.parse("b=2", StandardCharsets.UTF_8, into), "the cap counts what is already there");
        assertEquals(400, e.status());
        assertTrue(e.getMessage().contains(String.valueOf(UrlEncodedParser.MAX_PARAMETERS)), e.getMessage());
    }

    private static Map<String, List<String>> parse(String query, Charset charset) {
        Map<String, List<String>> into = new LinkedHashMap<>();
        UrlEncodedParser.parse(query, charset, into);
        return into;
    }
}
