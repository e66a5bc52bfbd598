package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class ContentTypesTest {

    @Test
    void quotedValuesKeepTheirSemicolonsAndEquals() {
        String type = "multipart/form-data; boundary=\"a;b=c\"; charset=utf-8";
        assertEquals("multipart/form-data", ContentTypes.mediaType(type));
        assertEquals("a;b=c", ContentTypes.parameter(type, "boundary"));
        assertEquals("utf-8", ContentTypes.charset(type));
        assertEquals("multipart/form-data;boundary=\"a;b=c\"", ContentTypes.withoutCharset(type));
    }

    @Test
    void charsetIsAParameterNotText() {
        // Netty's HttpUtil.getCharset reads x" and latin1 out of these
        assertNull(ContentTypes.charset("multipart/form-data; boundary=\"charset=x\""));
        assertNull(ContentTypes.charset("text/plain; xcharset=latin1"));
        assertEquals("multipart/form-data;boundary=\"x;charset=y\"",
                ContentTypes.withoutCharset("multipart/form-data; boundary=\"x;charset=y\""));
    }

    @Test
    void quotedPairsAndLooseSpacing() {
        assertEquals("a\"b\\c", ContentTypes.parameter("text/x; q=\"a\\\"b\\\\c\"", "q"));
        assertEquals("utf-8", ContentTypes.charset("text/plain ;CHARSET = utf-8 "));
        assertEquals("utf-8", ContentTypes.charset("text/plain; charset=\"utf-8\" junk"));
        assertEquals("open;to end", ContentTypes.parameter("text/x; v=\"open;to end", "v"), "unterminated quote");
    }

    @Test
    void absentOrEmpty() {
        assertNull(ContentTypes.charset("text/plain"));
        assertNull(ContentTypes.charset("text/plain; charset="));
        assertNull(ContentTypes.charset("text/plain; charset=\"\""));
        assertNull(ContentTypes.charset(null));
        assertNull(ContentTypes.parameter("text/plain; flag", "flag"), "a parameter without '=' has no value");
        assertEquals("text/plain", ContentTypes.withoutCharset(" text/plain ; charset=x"));
        assertEquals("text/plain;flag;a=b", ContentTypes.withoutCharset("text/plain; flag;; a=b"));
    }
}
