package dev.malt.server.servlet.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code redis-server} of the test's own on a free 127.0.0.1 port, without persistence, for the Redis
 * session store's tests ({@code run-tests} installs redis-server). It can be stopped and started again
 * on the same port, as an operator's restart would.
 */
final class LocalRedis implements AutoCloseable {

    private static final long START_MILLIS = 20_000;

    private final Path binary;
    private final Path dir;
    private final int port;
    private Process process;

    private LocalRedis(Path binary, Path dir, int port) {
        this.binary = binary;
        this.dir = dir;
        this.port = port;
    }

    static LocalRedis start(Path dir) throws IOException {
        LocalRedis redis = new LocalRedis(findBinary(), dir, freePort());
        redis.startAgain();
        return redis;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static Path findBinary() {
        for (String dir : List.of("/usr/bin", "/usr/local/bin", "/usr/sbin")) {
            Path candidate = Path.of(dir, "redis-server");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new AssertionError("redis-server not found: run ./run-tests as root (it installs it), or"
                + " apt-get install -y redis-server");
    }

    String url(int database) {
        return "redis://127.0.0.1:" + port + "/" + database;
    }

    void startAgain() throws IOException {
        process = new ProcessBuilder(binary.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--protected-mode", "no", "--dir", dir.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis-" + port + ".log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_MILLIS);
        while (true) {
            try {
                if ("+PONG".equals(command("PING"))) {
                    return;
                }
            } catch (IOException e) {
                if (!process.isAlive() || System.nanoTime() > deadline) {
                    throw new AssertionError("redis-server did not answer on port " + port + ": "
                            + Files.readString(dir.resolve("redis-" + port + ".log")), e);
                }
            }
            try {
                process.waitFor(20, TimeUnit.MILLISECONDS); // returns early only if it died
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }
    }

    /** Kills it (the session data goes with it: no persistence). */
    void stop() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** One inline command; the first line of the reply as Redis sent it ({@code +PONG}, {@code :42}). */
    String command(String line) throws IOException {
        return command(0, line);
    }

    /** One inline command in a database. */
    String command(int database, String line) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("SELECT " + database + "\r\n" + line + "\r\n").getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            readLine(in); // +OK of SELECT
            return readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder reply = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') {
            reply.append((char) c);
        }
        if (c == '\r') {
            in.read(); // \n
        }
        return reply.toString();
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
