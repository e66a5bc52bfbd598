package dev.malt.server.emperor;

import dev.malt.server.config.AppConfig;
import dev.malt.server.config.ConfigLoader;
import dev.malt.server.config.IniFiles;
import dev.malt.server.config.ListenAddress;
import dev.malt.server.master.WorkerIdentity;
import dev.malt.server.privileges.AppUser;
import dev.malt.server.privileges.PathWalk;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * How a tyrant emperor reads an app's INI file: it decides whose the file is before it reads a byte, then reads it
 * and everything it includes as that user. A user's INI is read by a helper running as the user, so an include can
 * only name files the user may read; its {@code $(NAME)} variables see only {@link AppUser#environment}. A root-owned INI is the administrator's: it and its includes are read only where nobody but root can
 * change a directory or a link on the way, so no user can point it elsewhere.
 */
final class TyrantIni {

    /** The config, whom it runs as, and (for a user's INI) that user to act as on the paths it names. */
    record Loaded(AppConfig config, WorkerIdentity identity, Optional<AppUser> user) {
    }

    private TyrantIni() {
    }

    /**
     * @throws dev.malt.server.config.ConfigException when the file (or an include) is broken or unreadable
     * @throws WorkerIdentity.RefusedException       when the app may not run as it asks
     */
    static Loaded load(Path ini, Map<String, String> environment, Path workingDir)
            throws WorkerIdentity.RefusedException, IOException {
        WorkerIdentity.IniOwner owner = WorkerIdentity.IniOwner.of(ini);
        if (owner.uid() == 0) {
            IniFiles files = rootOnly();
            try {
                files.read(ini.toAbsolutePath());
            } catch (AccessDeniedException e) {
                throw new WorkerIdentity.RefusedException(ini + " is owned by root, but " + e.getFile() + ": "
                        + e.getReason() + ". In tyrant mode a root-owned INI must be reached through root's "
                        + "directories and links only, or a user could make it name any file");
            }
            AppConfig config = new ConfigLoader(environment, workingDir, files).load(ini);
            return new Loaded(config, WorkerIdentity.fromIniOwner(owner, config), Optional.empty());
        }
        AppUser reader = owner.reader().appUser();
        // $(NAME) sees what the user's own processes see: none of the emperor's secrets.
        AppConfig config = new ConfigLoader(reader.environment(environment), workingDir, asUser(reader)).load(ini);
        WorkerIdentity identity = WorkerIdentity.fromIniOwner(owner, config);
        checkUserOptions(ini, config, identity);
        return new Loaded(config, identity, Optional.of(identity.appUser()));
    }

    /** Options whose effect root would carry out for the user: only what the user could do themselves. */
    private static void checkUserOptions(Path ini, AppConfig config, WorkerIdentity identity)
            throws WorkerIdentity.RefusedException {
        if (config.chownSocket().isPresent()) {
            identity.checkMayGiveFilesTo(config.chownSocket().get(), ini + ": chown-socket");
        }
        if (config.stats().isPresent()) {
            ListenAddress stats = config.stats().get();
            if (stats.isUnix()) {
                throw new WorkerIdentity.RefusedException(ini + ": stats = " + stats + " is a unix socket, which the "
                        + "emperor (root) would create; in tyrant mode give the app's stats a TCP address, e.g. "
                        + "127.0.0.1:9191");
            }
            int lowest = unprivilegedPortStart();
            if (stats.port() != 0 && stats.port() < lowest) {
                throw new WorkerIdentity.RefusedException(ini + ": stats = " + stats + " is a privileged port (below "
                        + lowest + "), which " + identity.user() + " may not bind; pick a port from " + lowest + " up");
            }
        }
    }

    /** The lowest port an unprivileged process may bind (net.ipv4.ip_unprivileged_port_start, 1024 by default). */
    static int unprivilegedPortStart() {
        try {
            // Read line by line: procfs reports a size of 0, and a whole-file read may stop after the first byte.
            try (var reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start"))) {
                return Integer.parseInt(reader.readLine().strip());
            }
        } catch (IOException | RuntimeException e) {
            return 1024;
        }
    }

    // ---- how files are read -------------------------------------------------------------------------------------

    /** Every file as the user, through {@link AppUser#read}: the kernel checks each access with their rights. */
    static IniFiles asUser(AppUser user) {
        return new IniFiles() {
            @Override
            public Read read(Path file) throws IOException {
                AppUser.FileRead read = user.read(file.toAbsolutePath(), AppUser.MAX_INI_BYTES);
                return new Read(read.realPath(), decode(read.bytes()));
            }

            @Override
            public boolean exists(Path path) {
                try {
                    return user.exists(path.toAbsolutePath());
                } catch (IOException e) {
                    return false;
                }
            }
        };
    }

    /** Only files of root's, reached through directories and links that only root can change. */
    static IniFiles rootOnly() throws IOException {
        PathWalk.Rule rule = PathWalk.rootOnly();
        UserPrincipal root = Path.of("/").getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("root");
        return new IniFiles() {
            @Override
            public Read read(Path file) throws IOException {
                return PathWalk.walk(file.toAbsolutePath(), rule, (dir, name, attrs, real) -> {
                    if (attrs.isDirectory()) {
                        throw new IOException("it is a directory");
                    }
                    if (!attrs.isRegularFile()) {
                        throw new IOException("it is not a regular file");
                    }
                    Set<PosixFilePermission> perms = attrs.permissions();
                    if (!attrs.owner().equals(root) || perms.contains(PosixFilePermission.GROUP_WRITE)
                            || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
                        throw new AccessDeniedException(real.toString(), null, "in tyrant mode a root-owned INI may "
                                + "only include files of root's that nobody else may write");
                    }
                    try (SeekableByteChannel channel = dir.newByteChannel(name,
                            Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                        ByteBuffer buffer = ByteBuffer.allocate(AppUser.MAX_INI_BYTES + 1);
                        while (buffer.hasRemaining() && channel.read(buffer) >= 0) {
                            // fill
                        }
                        if (!buffer.hasRemaining()) {
                            throw new IOException("it is larger than " + AppUser.MAX_INI_BYTES + " bytes");
                        }
                        buffer.flip();
                        byte[] bytes = new byte[buffer.remaining()];
                        buffer.get(bytes);
                        return new Read(real, decode(bytes));
                    }
                });
            }

            @Override
            public boolean exists(Path path) {
                try {
                    return PathWalk.walk(path.toAbsolutePath(), rule, (dir, name, attrs, real) -> true);
                } catch (NoSuchFileException e) {
                    return false;
                } catch (IOException e) {
                    return true; // reading it says why it cannot be used
                }
            }
        };
    }

    private static String decode(byte[] bytes) throws CharacterCodingException {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }
}
