package dev.malt.integration;

import dev.malt.integration.support.BehindNginx;
import dev.malt.integration.support.Browser;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.Json;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Jersey sample WAR ({@code webapps/jersey}) deployed unchanged with {@code war =}, through nginx:
 * Jersey's own ServletContainerInitializer registers its servlet from {@code @ApplicationPath("/api")}
 * (there is no web.xml), and a client reads and writes books as JSON.
 */
@ExtendWith(Diagnostics.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class JerseyWarTest {

    private static final String JSON = "application/json";

    private BehindNginx app;

    @BeforeAll
    void start() {
        app = BehindNginx.start(MaltProcess.war("jersey-library", Tools.war("jersey")));
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void welcomeFileIsTheStaticIndexPage() {
        HttpResponse index = app.get("/");

        assertEquals(200, index.status(), index::toString);
        assertTrue(index.header("Content-Type").startsWith("text/html"), index::toString);
        assertTrue(index.text().contains("<h1>Library API</h1>"), index::toString);
    }

    @Test
    void listOfBooksIsJson() {
        HttpResponse list = app.get("/api/books");

        assertEquals(200, list.status(), list::toString);
        assertTrue(list.header("Content-Type").startsWith(JSON), list::toString);
        List<?> books = (List<?>) Json.parse(list.text());
        assertTrue(books.contains(Map.of("id", 1L, "title", "The Mythical Man-Month", "author", "Frederick P. Brooks",
                "year", 1975L)), list::toString);
        assertTrue(books.contains(Map.of("id", 2L, "title", "Structure and Interpretation of Computer Programs",
                "author", "Harold Abelson", "year", 1985L)), list::toString);
    }

    @Test
    void pathParamSelectsOneBook() {
        HttpResponse book = app.get("/api/books/2");

        assertEquals(200, book.status(), book::toString);
        assertTrue(book.header("Content-Type").startsWith(JSON), book::toString);
        assertEquals("{\"id\":2,\"title\":\"Structure and Interpretation of Computer Programs\",\"author\":\"Harold Abelson\","
                + "\"year\":1985}", book.text());
    }

    @Test
    void queryParamFiltersByAuthor() {
        HttpResponse found = app.get("/api/books?author=Brooks");

        assertEquals(200, found.status(), found::toString);
        List<?> books = (List<?>) Json.parse(found.text());
        assertEquals(1, books.size(), found::toString);
        assertEquals("The Mythical Man-Month", ((Map<?, ?>) books.get(0)).get("title"), found::toString);
    }

    @Test
    void missingBookIsA404WithAJsonBody() {
        HttpResponse missing = app.get("/api/books/999");

        assertEquals(404, missing.status(), missing::toString);
        assertTrue(missing.header("Content-Type").startsWith(JSON), missing::toString);
        assertEquals(Map.of("status", 404L, "message", "no book with id 999"), Json.parseObject(missing.text()));
    }

    @Test
    void unmatchedResourcePathsAre404() {
        HttpResponse noResource = app.get("/api/authors");
        assertEquals(404, noResource.status(), noResource::toString);

        HttpResponse notANumber = app.get("/api/books/abc");
        assertEquals(404, notANumber.status(), "{id: [0-9]+} does not match 'abc':\n" + notANumber);
    }

    @Test
    void postedBookIsCreatedWithAnAbsoluteLocationAndReadBack() {
        String json = "{\"title\":\"Le Petit Prince\",\"author\":\"Antoine de Saint-Exupéry\",\"year\":1943}";
        HttpResponse created = RawHttp.post("/api/books").body("application/json", json).send(app.endpoint());

        assertEquals(201, created.status(), created::toString);
        assertTrue(created.header("Content-Type").startsWith(JSON), created::toString);
        Map<String, Object> book = Json.parseObject(created.text());
        long id = (Long) book.get("id");
        assertEquals("Antoine de Saint-Exupéry", book.get("author"), () -> "UTF-8 both ways:\n" + created);
        // Jersey builds Location from getRequestURL(): the Host and port the client used, through nginx.
        String base = "http://" + app.endpoint().host() + ":" + app.endpoint().port();
        assertEquals(base + "/api/books/" + id, created.header("Location"), created::toString);

        HttpResponse readBack = app.get(Browser.locationTarget(created));
        assertEquals(200, readBack.status(), readBack::toString);
        assertEquals(book, Json.parseObject(readBack.text()), readBack::toString);

        HttpResponse deleted = RawHttp.request("DELETE", "/api/books/" + id).send(app.endpoint());
        assertEquals(204, deleted.status(), deleted::toString);
        assertEquals(0, deleted.bodyLength(), deleted::toString);
        HttpResponse gone = app.get("/api/books/" + id);
        assertEquals(404, gone.status(), gone::toString);
    }

    @Test
    void badRequestsAre400() {
        HttpResponse noTitle = RawHttp.post("/api/books").body("application/json", "{\"author\":\"Nobody\"}")
                .send(app.endpoint());
        assertEquals(400, noTitle.status(), noTitle::toString);
        assertEquals(Map.of("status", 400L, "message", "a book needs a title"), Json.parseObject(noTitle.text()));

        HttpResponse malformed = RawHttp.post("/api/books").body("application/json", "{not json").send(app.endpoint());
        assertEquals(400, malformed.status(), malformed::toString);

        HttpResponse wrongType = RawHttp.post("/api/books").body("text/plain", "a book").send(app.endpoint());
        assertEquals(415, wrongType.status(), wrongType::toString);
    }
}
