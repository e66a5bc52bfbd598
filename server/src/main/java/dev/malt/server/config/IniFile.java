package dev.malt.server.config;

import java.nio.file.Path;

/**
 * An INI file being read: the name to show in messages, and its real path, which uWSGI's magic variables
 * describe (so {@code %d} of {@code apps-enabled/shop.ini}, a symlink, is the {@code apps-available/} directory
 * the file really lives in).
 */
record IniFile(String display, Path realPath) {

    Path directory() {
        return realPath.getParent();
    }

    /** The value of magic variable {@code %c}, or null when {@code c} is not a file variable. */
    String magic(char variable) {
        String fileName = realPath.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        return switch (variable) {
            case 'd' -> directory().toString().endsWith("/") ? directory().toString() : directory() + "/";
            case 'p' -> realPath.toString();
            case 's' -> fileName;
            case 'n' -> dot > 0 ? fileName.substring(0, dot) : fileName;
            case 'e' -> dot > 0 ? fileName.substring(dot + 1) : "";
            case 'c' -> directory().getFileName() == null ? "" : directory().getFileName().toString();
            default -> null;
        };
    }

    static boolean isFileVariable(char c) {
        return "dpsnec".indexOf(c) >= 0;
    }
}
