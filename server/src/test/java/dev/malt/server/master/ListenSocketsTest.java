package dev.malt.server.master;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.malt.server.config.ListenAddress;
import dev.malt.server.config.ListenSpec;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** How the master binds its listening sockets: unix ones appear with their final mode and owner, never wider. */
class ListenSocketsTest {

    private static final int NOBODY = 65534;

    private EventLoopGroup group;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(ListenSockets.class);

    @BeforeEach
    void start() {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void stop() {
        log.detachAppender(logs);
        group.shutdownGracefully().awaitUninterruptibly();
    }

    /**
     * A watcher looks at the socket's path as fast as it can while the socket is bound again and again: whenever
     * something is there, it is the socket, with the mode and owner asked for. A chmod after the bind leaves a
     * moment in which the umask's mode shows (and anyone it allows can connect).
     */
    @Test
    void aUnixSocketAppearsWithItsFinalModeAndOwnerOnly(@TempDir Path dir) throws Exception {
        assertTrue(WorkerIdentity.runningAsRoot(), "giving a socket to another user needs root: run the tests as root");
        Path path = dir.resolve("app.sock");
        Set<String> seen = ConcurrentHashMap.newKeySet();
        AtomicBoolean binding = new AtomicBoolean(true);
        Thread watcher = new Thread(() -> {
            while (binding.get()) {
                try {
                    Map<String, Object> attrs = Files.readAttributes(path, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
                    seen.add(String.format("%o/%d", (Integer) attrs.get("mode"), (Integer) attrs.get("uid")));
                } catch (NoSuchFileException notYet) {
                    // between two binds
                } catch (IOException e) {
                    seen.add(e.toString());
                }
            }
        });
        watcher.start();
        try {
            for (int i = 0; i < 300; i++) {
                try (ListenSockets sockets = ListenSockets.bind(group, List.of(unix(path)), 16, Optional.of(0600),
                        Optional.of(Integer.toString(NOBODY)))) {
                    assertEquals(1, sockets.bound().size());
                }
                Files.deleteIfExists(path);
            }
        } finally {
            binding.set(false);
            watcher.join();
        }
        assertEquals(Set.of("140600/" + NOBODY), seen, "modes/owners seen at " + path + " (a socket is 14xxxx)");
    }

    @Test
    void withoutChmodSocketOthersMayNotConnect(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("app.sock");
        try (ListenSockets sockets = ListenSockets.bind(group, List.of(unix(path)), 16, Optional.empty(),
                Optional.empty())) {
            int mode = (Integer) Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
            assertEquals(0, mode & 0007, () -> String.format("others may use the socket: mode %o", mode));
            assertEquals(0700, mode & 0700, () -> String.format("its owner may not use it: mode %o", mode));
        }
    }

    @Test
    void aUwsgiSocketOtherMachinesCanReachIsWarnedAbout() throws Exception {
        ListenSpec everywhere = new ListenSpec(ListenSpec.Kind.UWSGI, ListenAddress.parse("0.0.0.0:0"));
        ListenSpec loopback = new ListenSpec(ListenSpec.Kind.UWSGI, ListenAddress.parse("127.0.0.1:0"));
        ListenSpec http = new ListenSpec(ListenSpec.Kind.HTTP, ListenAddress.parse(":0"));
        try (ListenSockets sockets = ListenSockets.bind(group, List.of(loopback, http), 16, Optional.empty(),
                Optional.empty())) {
            assertEquals(2, sockets.bound().size());
        }
        assertTrue(warnings().isEmpty(), () -> "warned about a loopback uwsgi socket or an http-socket: " + warnings());
        try (ListenSockets sockets = ListenSockets.bind(group, List.of(everywhere), 16, Optional.empty(),
                Optional.empty())) {
            assertEquals(1, sockets.bound().size());
        }
        assertEquals(1, warnings().size(), () -> "warnings: " + warnings());
        String warning = warnings().get(0);
        assertTrue(warning.contains("0.0.0.0:0 can be reached from other machines") && warning.contains("REMOTE_USER"),
                warning);
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private static ListenSpec unix(Path path) {
        return new ListenSpec(ListenSpec.Kind.UWSGI, ListenAddress.unix(path));
    }
}
