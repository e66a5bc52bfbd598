package dev.malt.server.servlet;

import dev.malt.server.servlet.auth.UserFiles;

import java.nio.file.Path;
import java.util.List;

/**
 * Everything a worker hosts for one app: its contexts, where the app may keep files, and how many
 * workers share the app (sessions in one worker's memory are not seen by the others).
 *
 * @param appName  the app's name, for logs and paths
 * @param contexts the contexts, each at its own path
 * @param stateDir the app's state directory (unpacked WARs, temp files, the file session store)
 * @param workers  the app's worker count
 * @param users    the app's user and group files, if any
 * @param localeEncodings locale to charset for {@code setLocale}, for apps whose web.xml maps none
 * @param users    where the app's users and roles come from ({@code auth-user-file}, {@code auth-group-file})
 * @param sessions where sessions live ({@code session-store}) and their limits
 */
public record HostSpec(String appName, List<ContextSpec> contexts, Path stateDir, int workers, UserFiles users,
                       java.util.Map<String, String> localeEncodings, SessionSettings sessions) {

    public HostSpec {
        contexts = List.copyOf(contexts);
        users = users == null ? UserFiles.NONE : users;
        localeEncodings = localeEncodings == null ? java.util.Map.of() : java.util.Map.copyOf(localeEncodings);
        sessions = sessions == null ? SessionSettings.DEFAULTS : sessions;
    }

    public HostSpec(String appName, List<ContextSpec> contexts, Path stateDir, int workers, UserFiles users,
                    java.util.Map<String, String> localeEncodings) {
        this(appName, contexts, stateDir, workers, users, localeEncodings, SessionSettings.DEFAULTS);
    }

    public HostSpec(String appName, List<ContextSpec> contexts, Path stateDir, int workers, UserFiles users) {
        this(appName, contexts, stateDir, workers, users, java.util.Map.of());
    }

    /** An app without users of its own. */
    public HostSpec(String appName, List<ContextSpec> contexts, Path stateDir, int workers) {
        this(appName, contexts, stateDir, workers, UserFiles.NONE);
    }
}
