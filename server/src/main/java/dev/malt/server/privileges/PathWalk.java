package dev.malt.server.privileges;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Resolves a path one component at a time, each relative to a directory already opened and checked
 * ({@code openat} with {@code O_NOFOLLOW}, through {@link SecureDirectoryStream}), so nobody can swap a component
 * for a symlink between the check and the use. Symlinks are followed by the walk itself, and their targets are
 * checked the same way. A {@link Rule} says which directories may be entered and which entries used: as a given
 * user would be allowed (search permission), or only where root alone can make changes.
 */
public final class PathWalk {

    /** Linux gives up after 40 links in one lookup; so does the walk. */
    static final int MAX_LINKS = 40;

    /** What the walk may pass through. */
    public interface Rule {
        /** Whether the walk may look up names in a directory with these attributes. */
        boolean mayEnter(PosixFileAttributes dir);

        /**
         * Whether the walk may use {@code entry} (a subdirectory, a link or the last component) found in {@code dir},
         * whose path is {@code dirPath}: a path the walk has already checked.
         */
        boolean mayUse(Path dirPath, PosixFileAttributes dir, PosixFileAttributes entry);

        /** Why {@link #mayEnter} or {@link #mayUse} said no, for messages. */
        String refusal();
    }

    /** What to do with the last component, while its directory is still open. */
    public interface Visitor<T> {
        /**
         * @param dir      the directory that holds it, opened and checked
         * @param name     its name in {@code dir}
         * @param attrs    its attributes (not following a link: the walk has followed them all)
         * @param realPath its path with every link resolved
         */
        T visit(SecureDirectoryStream<Path> dir, Path name, PosixFileAttributes attrs, Path realPath) throws IOException;
    }

    private PathWalk() {
    }

    /**
     * Walks to {@code path} (absolute) under {@code rule} and hands the last component to {@code visitor}.
     *
     * @throws NoSuchFileException   when a component does not exist
     * @throws AccessDeniedException when the rule forbids a component; the message says which
     * @throws IOException           on any other failure (too many links, not a directory, I/O)
     */
    public static <T> T walk(Path path, Rule rule, Visitor<T> visitor) throws IOException {
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException("not an absolute path: " + path);
        }
        Deque<String> todo = new ArrayDeque<>(names(path));
        Deque<Opened> dirs = new ArrayDeque<>();
        int links = 0;
        try {
            dirs.push(openRoot());
            while (true) {
                Opened current = dirs.peek();
                String name = todo.poll();
                if (name == null) {
                    // The path names a directory ("/", or it ends with ".."): hand it over through its parent.
                    if (dirs.size() == 1) {
                        return visitor.visit(current.stream(), Path.of("."), current.attrs(), Path.of("/"));
                    }
                    Opened self = dirs.pop();
                    self.stream().close();
                    Opened parent = dirs.peek();
                    return visitor.visit(parent.stream(), self.path().getFileName(), self.attrs(), self.path());
                }
                if (name.isEmpty() || name.equals(".")) {
                    continue;
                }
                if (name.equals("..")) {
                    if (dirs.size() > 1) {
                        dirs.pop().stream().close();
                    }
                    continue;
                }
                Path here = current.path().resolve(name);
                if (!rule.mayEnter(current.attrs())) {
                    throw new AccessDeniedException(current.path().toString(), null, rule.refusal());
                }
                PosixFileAttributes attrs = current.stream()
                        .getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
                if (!rule.mayUse(current.path(), current.attrs(), attrs)) {
                    throw new AccessDeniedException(here.toString(), null, rule.refusal());
                }
                if (attrs.isSymbolicLink()) {
                    if (++links > MAX_LINKS) {
                        throw new FileSystemException(path.toString(), null, "too many levels of symbolic links");
                    }
                    // The link's text, read by name: whatever it says is walked and checked like the rest.
                    Path target = Files.readSymbolicLink(here);
                    List<String> parts = names(target);
                    for (int i = parts.size() - 1; i >= 0; i--) {
                        todo.push(parts.get(i));
                    }
                    if (target.isAbsolute()) {
                        while (dirs.size() > 1) {
                            dirs.pop().stream().close();
                        }
                    }
                    continue;
                }
                if (todo.stream().allMatch(n -> n.isEmpty() || n.equals("."))) {
                    return visitor.visit(current.stream(), Path.of(name), attrs, here);
                }
                if (!attrs.isDirectory()) {
                    throw new NotDirectoryException(here.toString());
                }
                SecureDirectoryStream<Path> child = current.stream().newDirectoryStream(Path.of(name),
                        LinkOption.NOFOLLOW_LINKS);
                dirs.push(new Opened(child, here, child.getFileAttributeView(PosixFileAttributeView.class)
                        .readAttributes()));
            }
        } finally {
            for (Opened dir : dirs) {
                dir.stream().close();
            }
        }
    }

    private record Opened(SecureDirectoryStream<Path> stream, Path path, PosixFileAttributes attrs) {
    }

    private static Opened openRoot() throws IOException {
        DirectoryStream<Path> root = Files.newDirectoryStream(Path.of("/"));
        if (!(root instanceof SecureDirectoryStream<Path> secure)) {
            root.close();
            throw new IOException("this file system cannot open a directory relative to another (openat)");
        }
        return new Opened(secure, Path.of("/"), secure.getFileAttributeView(PosixFileAttributeView.class)
                .readAttributes());
    }

    private static List<String> names(Path path) {
        List<String> names = new ArrayList<>();
        for (Path part : path) {
            names.add(part.toString());
        }
        return names;
    }

    // ---- rules ----------------------------------------------------------------------------------------------------

    /** Directories that {@code user} may search (the x bit that applies to them), as the kernel would decide. */
    static Rule searchableBy(int uid, String userName, Set<Integer> gids) throws IOException {
        UserPrincipalLookupService lookup = Path.of("/").getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(userName.isEmpty() ? Integer.toString(uid) : userName);
        Set<GroupPrincipal> groups = new HashSet<>();
        for (int gid : gids) {
            groups.add(lookup.lookupPrincipalByGroupName(Integer.toString(gid)));
        }
        return new Rule() {
            @Override
            public boolean mayEnter(PosixFileAttributes dir) {
                Set<PosixFilePermission> perms = dir.permissions();
                if (dir.owner().equals(user)) {
                    return perms.contains(PosixFilePermission.OWNER_EXECUTE);
                }
                if (groups.contains(dir.group())) {
                    return perms.contains(PosixFilePermission.GROUP_EXECUTE);
                }
                return perms.contains(PosixFilePermission.OTHERS_EXECUTE);
            }

            @Override
            public boolean mayUse(Path dirPath, PosixFileAttributes dir, PosixFileAttributes entry) {
                return true;
            }

            @Override
            public String refusal() {
                return "permission denied for " + userName;
            }
        };
    }

    /**
     * Only what root alone can change: every directory on the way is root's and writable by nobody else (or
     * sticky, like /tmp, and the entry in it is root's too).
     */
    public static Rule rootOnly() throws IOException {
        UserPrincipal root = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        return new Rule() {
            @Override
            public boolean mayEnter(PosixFileAttributes dir) {
                return true;
            }

            @Override
            public boolean mayUse(Path dirPath, PosixFileAttributes dir, PosixFileAttributes entry) {
                if (!dir.owner().equals(root)) {
                    return false;
                }
                Set<PosixFilePermission> perms = dir.permissions();
                boolean othersMayWrite = perms.contains(PosixFilePermission.GROUP_WRITE)
                        || perms.contains(PosixFilePermission.OTHERS_WRITE);
                return !othersMayWrite || (isSticky(dirPath) && entry.owner().equals(root));
            }

            @Override
            public String refusal() {
                return "someone other than root can change it or the directory it is in";
            }
        };
    }

    /**
     * The sticky bit, which {@link PosixFilePermission} does not show. Looked up by path: the walk reached it
     * through directories only root can change, so the path still names the directory that was checked.
     */
    private static boolean isSticky(Path dir) {
        try {
            return ((Integer) Files.getAttribute(dir, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 01000) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
