package dev.malt.integration;

import dev.malt.integration.support.Apache;
import dev.malt.integration.support.Diagnostics;
import dev.malt.integration.support.Endpoint;
import dev.malt.integration.support.Frontend;
import dev.malt.integration.support.HttpResponse;
import dev.malt.integration.support.MaltProcess;
import dev.malt.integration.support.Nginx;
import dev.malt.integration.support.RawHttp;
import dev.malt.integration.support.TempDirs;
import dev.malt.integration.support.Tools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code malt collectstatic} as an operator runs it: collect, paste the printed lines into the web server,
 * and the web server serves the files itself (nginx's {@code alias}, Apache's {@code Alias}), while the
 * app's pages still reach Malt. The app: a static-map directory and the JSP sample WAR at /jsp.
 */
@ExtendWith(Diagnostics.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class CollectStaticTest {

    private Path files;
    private Path site;
    private Path collected;
    private MaltProcess.Builder app;
    private Endpoint socket;

    @BeforeEach
    void layout() throws IOException {
        files = TempDirs.create("collect");
        site = TempDirs.subdir(files, "static");
        TempDirs.subdir(site, "css");
        Files.writeString(site.resolve("css/app.css"), "body { color: teal }\n");
        Files.writeString(site.resolve("robots.txt"), "User-agent: *\n");
        Files.writeString(files.resolve("secret.txt"), "SECRET");
        Files.createSymbolicLink(site.resolve("leak.txt"), files.resolve("secret.txt"));
        collected = files.resolve("collected");
        app = MaltProcess.builder("collect")
                .option("mount", "/jsp=" + Tools.war("jsp"))
                .option("static-map", "/static=" + site)
                .option("state-dir", files.resolve("state").toString());
        socket = Endpoint.unix(app.path("app.sock"));
        app.socket(socket);
    }

    @AfterEach
    void clean() {
        TempDirs.deleteQuietly(files);
    }

    /** The app's INI as the builder writes it, for the CLI; the app itself may or may not run. */
    private Path ini() throws IOException {
        Path ini = files.resolve("collect.ini");
        StringBuilder text = new StringBuilder("[malt]\n");
        text.append("socket = ").append(socket.iniValue()).append('\n')
                .append("mount = /jsp=").append(Tools.war("jsp")).append('\n')
                .append("static-map = /static=").append(site).append('\n')
                .append("state-dir = ").append(files.resolve("state")).append('\n');
        Files.writeString(ini, text, StandardCharsets.UTF_8);
        return ini;
    }

    private MaltProcess.CliResult collect() throws IOException {
        MaltProcess.CliResult result = MaltProcess.cli("collectstatic", "--ini", ini().toString(), "--to", collected.toString());
        assertEquals(0, result.exitCode(), () -> "collectstatic failed:\n" + result.stdout() + result.stderr());
        return result;
    }

    /** The lines printed after {@code heading} up to the next blank line. */
    private static List<String> block(String output, String heading) {
        List<String> lines = new ArrayList<>();
        boolean in = false;
        for (String line : output.split("\n", -1)) {
            if (line.equals(heading)) {
                in = true;
            } else if (in && line.isBlank()) {
                break;
            } else if (in && !line.startsWith("#")) {
                lines.add(line);
            }
        }
        assertFalse(lines.isEmpty(), () -> "no '" + heading + "' block in:\n" + output);
        return lines;
    }

    @Test
    void nginxServesTheCollectedFilesThroughTheAliasItWasGiven() throws IOException {
        MaltProcess.CliResult first = collect();
        assertTrue(first.stdout().contains("copied static/css/app.css"), first::stdout);
        assertTrue(first.stdout().contains("copied jsp/css/site.css"), first::stdout);
        assertFalse(Files.exists(collected.resolve("static/leak.txt")), "a symlink out of the source is not followed");
        assertFalse(Files.exists(collected.resolve("jsp/index.jsp")), "JSP pages stay with Malt");
        assertFalse(Files.exists(collected.resolve("jsp/WEB-INF")), "WEB-INF stays with Malt");

        List<String> lines = block(first.stdout(), "nginx:");
        assertTrue(lines.contains("location /static/ {") && lines.contains("    alias " + collected + "/static/;"),
                () -> String.join("\n", lines));
        Nginx.Builder builder = Nginx.to(socket);
        // the operator's include of the shipped snippet, wherever it is installed
        builder.server(String.join("\n        ", lines).replace("snippets/malt-uwsgi.conf", Nginx.snippet().toString()));
        try (Nginx nginx = builder.start()) {
            // Malt is not even running: nginx alone serves what was collected
            HttpResponse css = RawHttp.get("/static/css/app.css").send(nginx.endpoint());
            assertEquals(200, css.status(), css::toString);
            assertEquals("body { color: teal }\n", css.text());
            HttpResponse warCss = RawHttp.get("/jsp/css/site.css").send(nginx.endpoint());
            assertEquals(200, warCss.status(), warCss::toString);
            assertEquals(Files.readString(collected.resolve("jsp/css/site.css")), warCss.text());
            assertEquals(502, RawHttp.get("/jsp/index.jsp").send(nginx.endpoint()).status(),
                    "a page is Malt's, and Malt is down");

            try (MaltProcess malt = app.start()) {
                HttpResponse page = RawHttp.get("/jsp/index.jsp?name=Zo%C3%AB").send(nginx.endpoint());
                assertEquals(200, page.status(), page::toString);
                assertTrue(page.text().contains("Zoë"), page::toString);
                HttpResponse welcome = RawHttp.get("/jsp/").send(nginx.endpoint());
                assertEquals(200, welcome.status(), "a directory falls through to Malt's welcome file: " + welcome);
                assertEquals(404, RawHttp.get("/static/leak.txt").send(nginx.endpoint()).status());
                assertFalse(malt.output().contains("GET /static/css/app.css"), "nginx served it, not Malt");
            }

            // re-run after a file is gone and another came: the directory follows, and says what it did
            Files.delete(site.resolve("robots.txt"));
            Files.writeString(site.resolve("new.css"), "new");
            MaltProcess.CliResult second = collect();
            assertTrue(second.stdout().contains("removed static/robots.txt"), second::stdout);
            assertTrue(second.stdout().contains("copied static/new.css"), second::stdout);
            assertEquals(404, RawHttp.get("/static/robots.txt").send(nginx.endpoint()).status());
            assertEquals("new", RawHttp.get("/static/new.css").send(nginx.endpoint()).text());
        }
    }

    @Test
    void apacheServesTheCollectedFilesThroughItsAlias() throws IOException {
        MaltProcess.CliResult result = collect();
        List<String> lines = block(result.stdout(), "Apache:");
        assertTrue(lines.contains("Alias \"/static/\" \"" + collected + "/static/\""), () -> String.join("\n", lines));
        Apache.Builder builder = Apache.to(socket).module("alias_module", "mod_alias.so")
                .module("rewrite_module", "mod_rewrite.so");
        lines.forEach(builder::vhost);
        try (Frontend apache = builder.start(); MaltProcess malt = app.start()) {
            HttpResponse css = RawHttp.get("/static/css/app.css").send(apache.endpoint());
            assertEquals(200, css.status(), css::toString);
            assertEquals("body { color: teal }\n", css.text());
            HttpResponse warCss = RawHttp.get("/jsp/css/site.css").send(apache.endpoint());
            assertEquals(200, warCss.status(), warCss::toString);
            HttpResponse page = RawHttp.get("/jsp/index.jsp").send(apache.endpoint());
            assertEquals(200, page.status(), page::toString);
            assertTrue(page.text().contains("<html") || page.text().contains("<!DOCTYPE"), page::toString);
            assertFalse(malt.output().contains("GET /static/css/app.css"), "Apache served it, not Malt");
            assertFalse(malt.output().contains("GET /jsp/css/site.css"), "Apache served it, not Malt");
        }
    }
}
