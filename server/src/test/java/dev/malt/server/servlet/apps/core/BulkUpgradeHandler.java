package dev.malt.server.servlet.apps.core;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpUpgradeHandler;
import jakarta.servlet.http.WebConnection;

import java.io.IOException;
import java.util.Arrays;

/**
 * Writes {@link #TOTAL} bytes without blocking, as the {@link WriteListener} contract says: write while
 * {@code isReady()}, return when it says no, go on in the next {@code onWritePossible}; then closes.
 */
public class BulkUpgradeHandler implements HttpUpgradeHandler {

    public static final int TOTAL = 8 * 1024 * 1024;

    private ServletContext context;

    public void setContext(ServletContext context) {
        this.context = context;
    }

    @Override
    public void init(WebConnection connection) {
        try {
            ServletOutputStream out = connection.getOutputStream();
            byte[] chunk = new byte[8192];
            Arrays.fill(chunk, (byte) 'x');
            out.setWriteListener(new WriteListener() {
                private int sent;

                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (sent == TOTAL) {
                            Events.add(context, "sent " + sent);
                            out.close();
                            return;
                        }
                        out.write(chunk);
                        sent += chunk.length;
                    }
                }

                @Override
                public void onError(Throwable t) {
                    Events.add(context, "onError " + t);
                }
            });
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void destroy() {
        Events.add(context, "destroy");
    }
}
