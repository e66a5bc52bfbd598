package dev.malt.server.master;

import java.util.List;
import java.util.Optional;

/**
 * How a master is run, beyond its app's config: standalone, or as one of an emperor's vassals.
 *
 * @param workerCommandPrefix prepended to each worker's command: {@code setpriv ...} to drop privileges
 * @param workerOwner         the uid/gid workers run as, when not the master's: the master hands them
 *                            its control socket directory, which is otherwise private to it
 * @param maxBackoffMillis    longest pause between attempts to start a failing app
 */
public record MasterOptions(List<String> workerCommandPrefix, Optional<Owner> workerOwner, long maxBackoffMillis) {

    /** A numeric uid and gid. */
    public record Owner(int uid, int gid) {
    }

    public MasterOptions {
        workerCommandPrefix = List.copyOf(workerCommandPrefix);
    }

    public static MasterOptions standalone() {
        return new MasterOptions(List.of(), Optional.empty(), MasterSettings.DEFAULT_MAX_BACKOFF_MILLIS);
    }
}
