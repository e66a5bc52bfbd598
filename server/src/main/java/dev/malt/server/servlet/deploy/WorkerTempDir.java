package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The context's {@code jakarta.servlet.context.tempdir}: {@code stateDir/tmp/<context>-<pid>/}. Several
 * worker JVMs of an app share the state directory, so each gets its own, created empty at start; the
 * directories of workers that are gone (their pid is no longer alive) are removed then too.
 */
final class WorkerTempDir {

    private WorkerTempDir() {
    }

    static Path create(Path stateDir, String contextDirName) throws AppLoadException {
        Path tmp = stateDir.toAbsolutePath().normalize().resolve("tmp");
        long pid = ProcessHandle.current().pid();
        Path mine = tmp.resolve(contextDirName + "-" + pid);
        try {
            Files.createDirectories(tmp);
            removeLeftovers(tmp, contextDirName);
            VersionedDirectory.deleteTree(mine);
            return Files.createDirectory(mine);
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.tempDirFailed(mine, e), e);
        }
    }

    private static void removeLeftovers(Path tmp, String contextDirName) throws IOException {
        String prefix = contextDirName + "-";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path entry : entries) {
                String suffix = entry.getFileName().toString().substring(prefix.length());
                if (!suffix.matches("[0-9]{1,19}")) {
                    continue; // another context's directory whose name starts like ours
                }
                long pid = Long.parseLong(suffix);
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive) {
                    try {
                        VersionedDirectory.deleteTree(entry);
                    } catch (IOException e) {
                        // another worker may be removing it at the same moment; what remains goes next time
                    }
                }
            }
        }
    }
}
