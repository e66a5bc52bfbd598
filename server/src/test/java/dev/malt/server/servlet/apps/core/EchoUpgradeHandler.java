package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The TCK's upgrade handler, plus events: {@code init} writes a line, every {@code onDataAvailable} echoes
 * what it read as {@code data|BYTES}, {@code onAllDataRead} writes a last line and closes the connection.
 * Each step, with its thread and class loader, is an event.
 */
public class EchoUpgradeHandler implements HttpUpgradeHandler {

    private ServletContext context;

    public void setContext(ServletContext context) {
        this.context = context;
    }

    @Override
    public void init(WebConnection connection) {
        event("init");
        try {
            ServletInputStream in = connection.getInputStream();
            ServletOutputStream out = connection.getOutputStream();
            in.setReadListener(new ReadListener() {
                @Override
                public void onDataAvailable() throws IOException {
                    StringBuilder data = new StringBuilder();
                    byte[] buffer = new byte[1024];
                    int n;
                    while (in.isReady() && (n = in.read(buffer)) != -1) {
                        data.append(new String(buffer, 0, n, StandardCharsets.US_ASCII));
                    }
                    event("onDataAvailable " + data);
                    out.println("data|" + data);
                    out.flush();
                }

                @Override
                public void onAllDataRead() throws IOException {
                    event("onAllDataRead finished=" + in.isFinished());
                    out.println("all data read");
                    out.close();
                }

                @Override
                public void onError(Throwable t) {
                    event("onError " + t);
                }
            });
            out.println("init done");
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void destroy() {
        event("destroy");
    }

    private void event(String what) {
        Thread thread = Thread.currentThread();
        boolean appLoader = thread.getContextClassLoader() == getClass().getClassLoader();
        Events.add(context, what + " [" + thread.getName() + (appLoader ? ", app loader]" : ", other loader]"));
    }
}
