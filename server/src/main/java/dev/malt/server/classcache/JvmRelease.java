package dev.malt.server.classcache;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JVM in a {@code java-home}, as its {@code release} file describes it: read once per config, without starting
 * that JVM.
 *
 * @param feature  the feature release: 17, 21, 25...
 * @param update   the update release: 15 for 17.0.15, 0 for 25
 * @param identity what tells one build from another (the whole file, with the path), for the cache's key
 */
public record JvmRelease(int feature, int update, String identity) {

    private static final Pattern JAVA_VERSION =
            Pattern.compile("(?m)^JAVA_VERSION=\"?(\\d+)(?:\\.(\\d+))?(?:\\.(\\d+))?(?:_(\\d+))?");

    /** The JVM under {@code javaHome}, or empty when it has no readable {@code release} file. */
    public static Optional<JvmRelease> read(Path javaHome) {
        try {
            return parse(Files.readString(javaHome.resolve("release"), StandardCharsets.UTF_8), javaHome);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * {@code JAVA_VERSION="17.0.15"} gives 17 and update 15; the old {@code "1.8.0_392"} gives 8 and 392. Empty
     * without the line.
     */
    static Optional<JvmRelease> parse(String release, Path javaHome) {
        Matcher m = JAVA_VERSION.matcher(release);
        if (!m.find()) {
            return Optional.empty();
        }
        int first = Integer.parseInt(m.group(1));
        boolean legacy = first == 1 && m.group(2) != null;
        int feature = legacy ? Integer.parseInt(m.group(2)) : first;
        String update = legacy ? m.group(4) : m.group(3);
        return Optional.of(new JvmRelease(feature, update == null ? 0 : Integer.parseInt(update),
                javaHome.toAbsolutePath().normalize() + "\n" + release));
    }

    /** Whether this JVM is {@code feature}.x.{@code update} or later. */
    public boolean atLeast(int feature, int update) {
        return this.feature > feature || this.feature == feature && this.update >= update;
    }
}
