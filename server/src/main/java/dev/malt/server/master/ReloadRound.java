package dev.malt.server.master;

/**
 * One reload in progress, from the command to the moment every slot is served by a ready worker of the new
 * generation. It exists to tell the operator how long the reload took, in a line that scripts can read.
 *
 * @param generation the arbiter's count of reloads when this one began; its workers carry it
 * @param startedAt  the arbiter's clock when the command arrived
 */
record ReloadRound(int generation, boolean chain, String reason, long startedAt) {

    String kind() {
        return chain ? "chain" : "graceful";
    }
}
