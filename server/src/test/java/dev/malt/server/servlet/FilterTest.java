package dev.malt.server.servlet;

import dev.malt.server.servlet.apps.core.AsyncDispatchServlet;
import dev.malt.server.servlet.apps.core.DispatchEchoServlet;
import dev.malt.server.servlet.apps.core.DispatchingServlet;
import dev.malt.server.servlet.apps.core.ProgrammaticFiltersListener;
import dev.malt.server.servlet.apps.core.StartAsyncProbeServlet;
import dev.malt.server.servlet.apps.core.ThrowingServlet;
import dev.malt.server.servlet.apps.core.TraceFilter;
import jakarta.servlet.DispatcherType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.malt.server.servlet.TestWebApp.get;
import static jakarta.servlet.DispatcherType.ASYNC;
import static jakarta.servlet.DispatcherType.ERROR;
import static jakarta.servlet.DispatcherType.FORWARD;
import static jakarta.servlet.DispatcherType.INCLUDE;
import static jakarta.servlet.DispatcherType.REQUEST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which filters run, in which order, for which dispatches (Servlet 6.1 section 6.2.4 and 6.2.5). */
class FilterTest {

    private static String trace(RecordingChannel c) {
        assertTrue(c.status == 200 || c.status == 500, c.status + " " + c.bodyText());
        return Hosts.lines(c.bodyText()).get("trace");
    }

    private static TestWebApp traced(TestWebApp app, String... names) {
        for (String name : names) {
            app.filter(name, TraceFilter.class, true, Map.of());
        }
        return app;
    }

    // 6.2.4: URL-pattern mappings first, in declaration order, then servlet-name mappings; a filter
    // that matches both ways runs once
    @Test
    void urlPatternFiltersComeBeforeServletNameFiltersAndEachRunsOnce() {
        TestWebApp app = traced(TestWebApp.at(""), "byName", "all", "both", "tOnly", "anyServlet")
                .servlet("target", DispatchEchoServlet.class, "/t/*")
                .servlet("other", DispatchEchoServlet.class, "/o/*")
                .filterOnServlets("byName", List.of("target"), REQUEST)
                .filterOnUrls("all", List.of("/*"), REQUEST)
                .filterMapping("both", List.of("/t/x"), List.of("target"), REQUEST)
                .filterOnUrls("tOnly", List.of("/t/*"), REQUEST)
                .filterOnServlets("anyServlet", List.of("*"), REQUEST);
        try (ServletHost host = app.start()) {
            assertEquals("all:REQUEST both:REQUEST tOnly:REQUEST byName:REQUEST anyServlet:REQUEST",
                    trace(get(host, "/t/x")));
            assertEquals("all:REQUEST tOnly:REQUEST byName:REQUEST both:REQUEST anyServlet:REQUEST",
                    trace(get(host, "/t/y")));
            assertEquals("all:REQUEST anyServlet:REQUEST", trace(get(host, "/o/y")));
        }
    }

    // 6.2.4 and FilterRegistration#addMappingForUrlPatterns: isMatchAfter=false mappings come before the
    // descriptor's, true after; URL patterns still come before servlet names
    @Test
    void programmaticMappingsBeforeAndAfterTheDeclaredOnes() {
        TestWebApp app = traced(TestWebApp.at(""), "declared")
                .servlet("target", DispatchEchoServlet.class, "/t/*")
                .filterOnUrls("declared", List.of("/*"), REQUEST)
                .listener(ProgrammaticFiltersListener.class);
        try (ServletHost host = app.start()) {
            assertEquals("early:REQUEST declared:REQUEST late:REQUEST earlyByName:REQUEST", trace(get(host, "/t/x")));
        }
    }

    // 6.2.5: a mapping applies only to the dispatcher types it names (REQUEST when it names none)
    @Test
    void filtersRunOnlyForTheirDispatcherTypes() throws InterruptedException {
        TestWebApp app = traced(TestWebApp.at(""), "req", "fwd", "inc", "err", "asy", "reqFwd")
                .servlet("target", DispatchEchoServlet.class, "/t/*")
                .servlet("dispatcher", DispatchingServlet.class, "/d/*")
                .asyncServlet("async", AsyncDispatchServlet.class, "/a/*")
                .servlet("thrower", ThrowingServlet.class, "/boom")
                .errorPage(RuntimeException.class, "/t/error")
                .filterOnUrls("req", List.of("/t/*"))
                .filterOnUrls("fwd", List.of("/t/*"), FORWARD)
                .filterOnUrls("inc", List.of("/t/*"), INCLUDE)
                .filterOnUrls("err", List.of("/t/*"), ERROR)
                .filterOnUrls("asy", List.of("/t/*"), ASYNC)
                .filterOnUrls("reqFwd", List.of("/t/*"), REQUEST, FORWARD);
        try (ServletHost host = app.start()) {
            assertEquals("req:REQUEST reqFwd:REQUEST", trace(get(host, "/t/x")));
            assertEquals("fwd:FORWARD reqFwd:FORWARD", trace(get(host, "/d/x?to=/t/x")));
            assertEquals("inc:INCLUDE", trace(get(host, "/d/x?op=include&to=/t/x")));
            RecordingChannel error = get(host, "/boom");
            assertEquals(500, error.status);
            assertEquals("err:ERROR", trace(error));

            TestExchange async = TestWebApp.exchange("GET", "/a/x?to=/t/x");
            host.handle(async);
            assertTrue(async.channel.awaitFinished());
            assertEquals("asy:ASYNC", trace(async.channel));
        }
    }

    // 2.3.3.3: a filter without async support anywhere in the chain makes startAsync throw
    @Test
    void aFilterWithoutAsyncSupportMakesStartAsyncIllegal() {
        TestWebApp app = TestWebApp.at("")
                .filter("sync", TraceFilter.class, false, Map.of())
                .filterOnUrls("sync", List.of("/probe/*"))
                .asyncServlet("probe", StartAsyncProbeServlet.class, "/probe/*", "/free/*");
        try (ServletHost host = app.start()) {
            Map<String, String> blocked = Hosts.lines(get(host, "/probe/x").bodyText());
            assertEquals("false", blocked.get("isAsyncSupported"));
            assertEquals("IllegalStateException", blocked.get("startAsync"));

            RecordingChannel free = get(host, "/free/x");
            assertEquals(200, free.status);
            Map<String, String> allowed = Hosts.lines(free.bodyText());
            assertEquals("true", allowed.get("isAsyncSupported"));
            assertEquals("ok", allowed.get("startAsync"));
        }
    }

    // 2.3.3.3: a servlet without async support cannot start async either, whatever the filters say
    @Test
    void aServletWithoutAsyncSupportCannotStartAsync() {
        TestWebApp app = TestWebApp.at("").servlet("probe", StartAsyncProbeServlet.class, "/probe");
        try (ServletHost host = app.start()) {
            Map<String, String> e = Hosts.lines(get(host, "/probe").bodyText());
            assertEquals("false", e.get("isAsyncSupported"));
            assertEquals("IllegalStateException", e.get("startAsync"));
        }
    }

    // 6.2.5: filters mapped to the REQUEST type do not run again for a forward to the same path
    @Test
    void aForwardDoesNotRerunRequestFilters() {
        TestWebApp app = traced(TestWebApp.at(""), "onlyRequest")
                .servlet("target", DispatchEchoServlet.class, "/t/*")
                .servlet("dispatcher", DispatchingServlet.class, "/d/*")
                .filterOnUrls("onlyRequest", List.of("/*"), DispatcherType.REQUEST);
        try (ServletHost host = app.start()) {
            assertEquals("onlyRequest:REQUEST", trace(get(host, "/d/x?to=/t/x")));
        }
    }
}
