package dev.malt.server.servlet.deploy;

import java.nio.file.Path;

/**
 * One WEB-INF/lib jar as a web fragment (spec 8.2.1: a jar without web-fragment.xml is a fragment too).
 *
 * @param jarName    the jar's file name, as {@code jakarta.servlet.context.orderedLibs} lists it
 * @param jar        the jar on disk
 * @param descriptor its {@code META-INF/web-fragment.xml}, or {@code null}
 * @param name       the name ordering uses: the descriptor's {@code <name>}, or {@code null} when it has
 *                   none or another jar's fragment took that name first
 */
record Fragment(String jarName, Path jar, Descriptor descriptor, String name) {

    /** How messages name it: the fragment's name and its jar. */
    String describe() {
        return name == null ? jarName : "'" + name + "' (" + jarName + ")";
    }

    boolean metadataComplete() {
        return descriptor != null && descriptor.metadataComplete;
    }
}
