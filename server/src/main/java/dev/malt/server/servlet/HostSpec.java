package dev.malt.server.servlet;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a worker hosts for one app: its contexts, where the app may keep files, and how many
 * workers share the app (sessions in one worker's memory are not seen by the others).
 *
 * @param appName  the app's name, for logs and paths
 * @param contexts the contexts, each at its own path
 * @param stateDir the app's state directory (unpacked WARs, temp files)
 * @param workers  the app's worker count
 */
public record HostSpec(String appName, List<ContextSpec> contexts, Path stateDir, int workers) {

    public HostSpec {
        contexts = List.copyOf(contexts);
    }
}
