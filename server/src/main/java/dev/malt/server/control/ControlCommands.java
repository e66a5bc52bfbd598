package dev.malt.server.control;

import java.util.concurrent.CompletableFuture;

/**
 * What {@code malt reload|chain-reload|stop|status|reopen-logs} can ask of a running process. A master
 * answers for its one app; an emperor for each of its apps by name.
 */
public interface ControlCommands {

    /**
     * @param command one of {@code reload}, {@code chain-reload}, {@code stop}, {@code status},
     *                {@code reopen-logs}
     * @param app     the app name, or empty for "this process's app(s)"
     * @return the text to send back: a one-line confirmation, or JSON for {@code status}
     * @throws IllegalArgumentException for an unknown command or app, with a message for the operator
     */
    CompletableFuture<String> execute(String command, String app);
}
