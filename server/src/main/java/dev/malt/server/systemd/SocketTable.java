package dev.malt.server.systemd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a descriptor listens on, read from the kernel's tables: {@code /proc/self/fd/N} names the socket's
 * inode, and {@code /proc/net/unix}, {@code tcp} and {@code tcp6} list the listening sockets by inode with
 * their addresses. Pure reading, no native calls, and it tells unix from TCP sockets without guessing.
 */
class SocketTable {

    /** unix: Flags with __SO_ACCEPTCON (listening), Type SOCK_STREAM. */
    private static final int SO_ACCEPTCON = 0x10000;
    private static final String TCP_LISTEN = "0A";

    private final Path proc;

    SocketTable(Path proc) {
        this.proc = proc;
    }

    static SocketTable system() {
        return new SocketTable(Path.of("/proc"));
    }

    SocketActivation.Inherited describe(int fd, String name) {
        long inode = inode(fd);
        if (inode > 0) {
            String unix = unixPath(inode);
            if (unix != null) {
                return new SocketActivation.Inherited(fd, name, SocketActivation.Inherited.Kind.UNIX, unix, null);
            }
            InetSocketAddress inet = tcpAddress(inode);
            if (inet != null) {
                return new SocketActivation.Inherited(fd, name, SocketActivation.Inherited.Kind.TCP, null, inet);
            }
        }
        return new SocketActivation.Inherited(fd, name, SocketActivation.Inherited.Kind.OTHER, null, null);
    }

    long inode(int fd) {
        try {
            String target = Files.readSymbolicLink(proc.resolve("self/fd/" + fd)).toString();
            if (target.startsWith("socket:[") && target.endsWith("]")) {
                return Long.parseLong(target.substring(8, target.length() - 1));
            }
        } catch (IOException | RuntimeException e) {
            // closed descriptor, or no /proc
        }
        return -1;
    }

    /** The path of a listening unix stream socket with this inode, or null. */
    String unixPath(long inode) {
        for (String line : lines("net/unix")) {
            // Num RefCount Protocol Flags Type St Inode [Path]
            String[] f = line.trim().split("\\s+", 8);
            if (f.length == 8 && f[6].equals(Long.toString(inode))) {
                boolean listening = (Integer.parseInt(f[3], 16) & SO_ACCEPTCON) != 0;
                boolean stream = Integer.parseInt(f[4], 16) == 1;
                return listening && stream && f[7].startsWith("/") ? f[7] : null;
            }
        }
        return null;
    }

    /** The local address of a listening TCP socket with this inode, or null. */
    InetSocketAddress tcpAddress(long inode) {
        for (String table : List.of("net/tcp", "net/tcp6")) {
            for (String line : lines(table)) {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f.length > 9 && f[9].equals(Long.toString(inode)) && TCP_LISTEN.equals(f[3])) {
                    return parseAddress(f[1]);
                }
            }
        }
        return null;
    }

    /** {@code 0100007F:0BDB} (IPv4) or 32 hex digits (IPv6), each 32-bit word in the kernel's little-endian order. */
    static InetSocketAddress parseAddress(String text) {
        int colon = text.indexOf(':');
        String hex = text.substring(0, colon);
        int port = Integer.parseInt(text.substring(colon + 1), 16);
        byte[] bytes = new byte[hex.length() / 2];
        for (int word = 0; word < bytes.length / 4; word++) {
            for (int b = 0; b < 4; b++) {
                int at = word * 8 + (3 - b) * 2;
                bytes[word * 4 + b] = (byte) Integer.parseInt(hex.substring(at, at + 2), 16);
            }
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(bytes), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("not an address: " + text, e);
        }
    }

    private List<String> lines(String table) {
        try {
            List<String> all = Files.readAllLines(proc.resolve(table));
            return all.isEmpty() ? all : all.subList(1, all.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
