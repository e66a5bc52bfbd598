package dev.malt.server.master;

import dev.malt.server.control.ControlMessage;

/** The master's end of one worker's control connection. */
public interface ControlLink {

    /** Sends the listening sockets (SCM_RIGHTS), in config order. Called once, first. */
    void sendListeners();

    void send(ControlMessage message);

    void close();
}
