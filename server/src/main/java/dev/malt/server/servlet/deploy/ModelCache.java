package dev.malt.server.servlet.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/**
 * The assembled model of an unpacked WAR, kept as {@code model.json} in its version directory. An
 * unpacked version never changes, so the next worker reads the model instead of parsing descriptors and
 * scanning every class again, which is most of a deploy's time for a WAR with many jars. The file also
 * tells an operator what Malt understood of the WAR. It is tied to the build of Malt that wrote it, so
 * a Malt upgrade assembles again; any problem reading it just means assembling again.
 */
final class ModelCache {

    static final String FILE = "model.json";
    private static final int FORMAT = 1;
    private static final String BUILD = buildIdentity();

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** What is stored: the model and the jar file names that take part, in fragment order. */
    record Entry(int format, String build, WebAppModel model, List<String> includedJars) {
    }

    private ModelCache() {
    }

    /** The stored result for this version directory, or {@code null} when there is none that fits. */
    static WebAppAssembler.Result load(Path versionDir, Path root) {
        Path file = versionDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            Entry entry = JSON.readValue(file.toFile(), Entry.class);
            if (entry.format() != FORMAT || !BUILD.equals(entry.build()) || entry.model() == null) {
                return null;
            }
            List<Path> jars = new ArrayList<>();
            for (String jar : entry.includedJars()) {
                jars.add(root.resolve("WEB-INF/lib").resolve(jar));
            }
            return new WebAppAssembler.Result(entry.model(), jars);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Stores the result; atomic, so a worker never reads half a file. A failure only costs the next start. */
    static void store(Path versionDir, WebAppAssembler.Result result) {
        List<String> jars = new ArrayList<>();
        result.includedJars().forEach(jar -> jars.add(jar.getFileName().toString()));
        Path temp = null;
        try {
            temp = Files.createTempFile(versionDir, ".model-", ".json");
            JSON.writeValue(temp.toFile(), new Entry(FORMAT, BUILD, result.model(), jars));
            Files.move(temp, versionDir.resolve(FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                if (temp != null) {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException ignored) {
                // the next prune of old versions removes it with its directory
            }
        }
    }

    /**
     * Which build of this package assembled a model: the size and time of the jar holding it, or of its
     * class files when running from a classes directory (the build's own tests).
     */
    private static String buildIdentity() {
        CRC32 crc = new CRC32();
        try {
            CodeSource source = ModelCache.class.getProtectionDomain().getCodeSource();
            Path location = Path.of(source.getLocation().toURI());
            Path measured = Files.isDirectory(location)
                    ? location.resolve(ModelCache.class.getPackageName().replace('.', '/')) : location;
            try (Stream<Path> files = Files.isDirectory(measured) ? Files.list(measured) : Stream.of(measured)) {
                for (Path file : files.sorted().toList()) {
                    crc.update((file.getFileName() + ":" + Files.size(file) + ":"
                            + Files.getLastModifiedTime(file).toMillis() + "\n").getBytes());
                }
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            return "unknown-" + System.nanoTime(); // never matches a stored model: always assemble
        }
        return Long.toHexString(crc.getValue());
    }
}
