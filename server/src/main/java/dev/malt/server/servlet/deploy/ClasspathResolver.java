package dev.malt.server.servlet.deploy;

import dev.malt.server.servlet.AppLoadException;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Turns classpath entries as the operator wrote them into existing files and directories, in order.
 *
 * <p>An entry is a jar, a directory or a glob; relative entries resolve against the app's base
 * directory, and an entry may hold several paths separated by ':'. A glob ({@code lib/*.jar},
 * {@code lib/*}, {@code modules/**}{@code /*.jar}) selects .jar and .zip files, as Java's own
 * {@code -cp lib/*} does; ending it with '/' selects directories instead. Matches are sorted by name,
 * so the class path order does not depend on the file system. An entry that matches nothing is an
 * error: a silently empty classpath only moves the problem to a confusing ClassNotFoundException.
 */
final class ClasspathResolver {

    private static final int LISTED_CONTENTS = 10;

    private ClasspathResolver() {
    }

    public static List<Path> resolve(List<String> entries, Path baseDir) throws AppLoadException {
        Set<Path> resolved = new LinkedHashSet<>();
        for (String written : entries) {
            for (String entry : written.split(File.pathSeparator)) {
                entry = entry.trim();
                if (!entry.isEmpty()) {
                    resolved.addAll(resolveEntry(entry, baseDir));
                }
            }
        }
        return List.copyOf(resolved);
    }

    private static List<Path> resolveEntry(String entry, Path baseDir) throws AppLoadException {
        int glob = firstGlobChar(entry);
        if (glob < 0) {
            Path path = baseDir.resolve(entry).toAbsolutePath().normalize();
            if (!Files.exists(path)) {
                throw new AppLoadException(DeployMessages.classpathEntryMissing(entry, path));
            }
            return List.of(path);
        }
        boolean directories = entry.endsWith("/");
        String pattern = directories ? entry.substring(0, entry.length() - 1) : entry;
        int slash = pattern.lastIndexOf('/', glob);
        String directoryPart = slash < 0 ? "" : slash == 0 ? "/" : pattern.substring(0, slash);
        String globPart = pattern.substring(slash + 1);
        Path directory = baseDir.resolve(directoryPart).toAbsolutePath().normalize();
        if (!Files.isDirectory(directory)) {
            throw new AppLoadException(DeployMessages.classpathGlobDirectoryMissing(entry, directory));
        }
        List<Path> matches = match(entry, directory, globPart, directories);
        if (matches.isEmpty()) {
            throw new AppLoadException(DeployMessages.classpathGlobNoMatch(entry, directory, contents(directory)));
        }
        return matches;
    }

    private static List<Path> match(String entry, Path directory, String globPart, boolean directories)
            throws AppLoadException {
        PathMatcher matcher = directory.getFileSystem().getPathMatcher("glob:" + globPart);
        int depth = globPart.contains("**") ? Integer.MAX_VALUE : globPart.split("/").length;
        try (Stream<Path> walk = Files.walk(directory, depth)) {
            return walk
                    .filter(path -> !path.equals(directory))
                    .filter(path -> matcher.matches(directory.relativize(path)))
                    .filter(path -> directories ? Files.isDirectory(path) : isArchive(path))
                    .map(path -> path.toAbsolutePath().normalize())
                    .sorted()
                    .toList();
        } catch (IOException | RuntimeException e) {
            throw new AppLoadException(DeployMessages.classpathUnreadable(entry, e), e);
        }
    }

    private static boolean isArchive(Path path) {
        String name = path.getFileName().toString().toLowerCase(Locale.ROOT);
        return (name.endsWith(".jar") || name.endsWith(".zip")) && Files.isRegularFile(path);
    }

    private static List<String> contents(Path directory) {
        List<String> names = new ArrayList<>();
        try (Stream<Path> list = Files.list(directory)) {
            list.map(path -> path.getFileName() + (Files.isDirectory(path) ? "/" : ""))
                    .sorted()
                    .limit(LISTED_CONTENTS + 1)
                    .forEach(names::add);
        } catch (IOException e) {
            return names;
        }
        if (names.size() > LISTED_CONTENTS) {
            names.set(LISTED_CONTENTS, "...");
        }
        return names;
    }

    private static int firstGlobChar(String entry) {
        for (int i = 0; i < entry.length(); i++) {
            char c = entry.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == '{') {
                return i;
            }
        }
        return -1;
    }
}
