package dev.malt.server.master;

import dev.malt.server.privileges.AppUser;

import java.util.List;
import java.util.Optional;

/**
 * How a master is run, beyond its app's config: standalone, or as one of an emperor's vassals.
 *
 * @param workerCommandPrefix prepended to each worker's command: {@code setpriv ...} to drop privileges
 * @param workerOwner         the uid/gid workers run as, when not the master's: the master hands them
 *                            its control socket directory, which is otherwise private to it
 * @param maxBackoffMillis    longest pause between attempts to start a failing app
 * @param appUser             tyrant mode, an INI its owner wrote: the user to act as on every path the INI names
 *                            (sockets, touch files); empty when the master may use them itself
 */
public record MasterOptions(List<String> workerCommandPrefix, Optional<Owner> workerOwner, long maxBackoffMillis,
                            Optional<AppUser> appUser) {

    /** A numeric uid and gid. */
    public record Owner(int uid, int gid) {
    }

    public MasterOptions {
        workerCommandPrefix = List.copyOf(workerCommandPrefix);
    }

    public MasterOptions(List<String> workerCommandPrefix, Optional<Owner> workerOwner, long maxBackoffMillis) {
        this(workerCommandPrefix, workerOwner, maxBackoffMillis, Optional.empty());
    }

    public static MasterOptions standalone() {
        return new MasterOptions(List.of(), Optional.empty(), MasterSettings.DEFAULT_MAX_BACKOFF_MILLIS);
    }
}
