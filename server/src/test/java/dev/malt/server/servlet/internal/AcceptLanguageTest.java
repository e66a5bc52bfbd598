package dev.malt.server.servlet.internal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;

class AcceptLanguageTest {

    @Test
    void aMalformedRangeCostsOnlyItself() {
        // the JDK throws for the whole value here
        assertEquals(locales("en-US", "de"), AcceptLanguage.parse(List.of("en-US, xx-, de;q=0.5, fr;q=abc, it;q=1.5")));
    }

    @Test
    void onlyTheRangesTheClientSent() {
        // the JDK adds de-DD-1996 (East Germany) as an equivalent of de-DE-1996
        assertEquals(locales("de-DE-1996"), AcceptLanguage.parse(List.of("de-DE-1996")));
        assertEquals(locales("he"), AcceptLanguage.parse(List.of("he, iw")), "one locale once");
    }

    @Test
    void qualityOrderThenClientOrderAcrossHeaders() {
        assertEquals(locales("fr", "en", "de", "nl"),
                AcceptLanguage.parse(List.of("en;q=0.8, fr", "de;q=0.8, nl;Q=0.1, sv;q=0, *;q=0.9")));
    }

    @Test
    void nothingUsable() {
        assertEquals(List.of(), AcceptLanguage.parse(List.of("", " , *", "x-klingon;q=0.5")));
    }

    @Test
    void rangesPastTheCapAreNotRead() {
        StringBuilder header = new StringBuilder();
        for (int i = 0; i < 64; i++) {
            header.append("x-pad").append(i).append(", ");
        }
        assertEquals(List.of(), AcceptLanguage.parse(List.of(header + "en")));
        assertEquals(locales("en"), AcceptLanguage.parse(List.of("en, " + header)));
    }

    private static List<Locale> locales(String... tags) {
        return java.util.Arrays.stream(tags).map(Locale::forLanguageTag).toList();
    }
}
