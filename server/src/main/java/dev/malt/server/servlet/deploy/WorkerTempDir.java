package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The context's {@code jakarta.servlet.context.tempdir}: {@code stateDir/tmp/<context>-<pid>/}. Several
 * worker JVMs of an app share the state directory, so each gets its own, created empty at start; the
 * directories of workers that are gone (their pid is no longer alive) are removed then too. Should one
 * JVM deploy the same context again (tests do), the next one is {@code <context>-<pid>-2}, and so on.
 */
final class WorkerTempDir {

    private static final Pattern OWNER = Pattern.compile("([0-9]{1,19})(-[0-9]{1,9})?");
    private static final ConcurrentHashMap<Path, AtomicInteger> DEPLOYS_IN_THIS_JVM = new ConcurrentHashMap<>();

    private WorkerTempDir() {
    }

    static Path create(Path stateDir, String contextDirName) throws AppLoadException {
        Path tmp = stateDir.toAbsolutePath().normalize().resolve("tmp");
        long pid = ProcessHandle.current().pid();
        Path first = tmp.resolve(contextDirName + "-" + pid);
        int sequence = DEPLOYS_IN_THIS_JVM.computeIfAbsent(first, key -> new AtomicInteger()).incrementAndGet();
        Path mine = sequence == 1 ? first : tmp.resolve(first.getFileName() + "-" + sequence);
        try {
            Files.createDirectories(tmp);
            removeLeftovers(tmp, contextDirName, sequence == 1 ? pid : -1);
            VersionedDirectory.deleteTree(mine);
            return Files.createDirectory(mine);
        } catch (IOException e) {
            throw new AppLoadException(DeployMessages.tempDirFailed(mine, e), e);
        }
    }

    /**
     * Removes the directories of dead workers, and at this JVM's first deploy of the context also those
     * carrying its own pid: they were left by an earlier process that had the same pid.
     */
    private static void removeLeftovers(Path tmp, String contextDirName, long ownPidToClear) throws IOException {
        String prefix = contextDirName + "-";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp, prefix + "*")) {
            for (Path entry : entries) {
                Matcher owner = OWNER.matcher(entry.getFileName().toString().substring(prefix.length()));
                if (!owner.matches()) {
                    continue; // another context's directory whose name starts like ours
                }
                long pid = Long.parseLong(owner.group(1));
                boolean alive = ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
                if (!alive || pid == ownPidToClear) {
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
