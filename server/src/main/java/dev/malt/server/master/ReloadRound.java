package dev.malt.server.master;

/**
 * One reload in progress, from the command to the moment every slot is served by a ready worker of the new
 * generation. It exists to tell the operator how long the reload took, in a line that scripts can read.
 */
final class ReloadRound {

    final int generation;
    final boolean chain;
    final String reason;
    final long startedAt;

    ReloadRound(int generation, boolean chain, String reason, long startedAt) {
        this.generation = generation;
        this.chain = chain;
        this.reason = reason;
        this.startedAt = startedAt;
    }

    String kind() {
        return chain ? "chain" : "graceful";
    }
}
