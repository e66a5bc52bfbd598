package dev.malt.server.cache;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A worker connection that writes down what the master answered. */
final class RecordingPeer implements CacheService.Peer {

    final List<String> answers = new ArrayList<>();
    final Map<Integer, byte[]> hits = new HashMap<>();

    @Override
    public void hit(int id, byte[] value) {
        answers.add("hit " + id);
        hits.put(id, value);
    }

    @Override
    public void lead(int id) {
        answers.add("lead " + id);
    }

    @Override
    public void pass(int id) {
        answers.add("pass " + id);
    }

    /** The answers so far, then forgets them. */
    List<String> take() {
        List<String> taken = List.copyOf(answers);
        answers.clear();
        return taken;
    }

    String body(int id) {
        return new String(CachedResponse.decode(hits.get(id)).body(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
