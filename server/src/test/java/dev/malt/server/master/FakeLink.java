package dev.malt.server.master;

import dev.malt.server.control.ControlMessage;

import java.util.ArrayList;
import java.util.List;

/** The master's end of a control connection, recording what the arbiter sends. */
final class FakeLink implements ControlLink {

    int listenerSends;
    final List<ControlMessage> sent = new ArrayList<>();
    boolean closed;

    @Override
    public void sendListeners() {
        listenerSends++;
    }

    @Override
    public void send(ControlMessage message) {
        sent.add(message);
    }

    @Override
    public void close() {
        closed = true;
    }

    long stops() {
        return sent.stream().filter(m -> m.verb().equals(ControlMessage.STOP)).count();
    }
}
