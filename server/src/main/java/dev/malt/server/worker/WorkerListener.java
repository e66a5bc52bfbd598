package dev.malt.server.worker;

import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.FileDescriptor;

import java.net.SocketAddress;

/**
 * A listening socket a worker accepts on: normally a descriptor the master passed over the control
 * connection, or an address to bind when the worker runs alone (tests, platforms without epoll).
 *
 * @param protocol   what the socket speaks
 * @param name       as the operator wrote it, for logs ({@code 127.0.0.1:3031}, {@code /run/malt/app.sock})
 * @param descriptor the master's listening descriptor, or {@code null} to bind {@code bindAddress}
 * @param bindAddress where to bind when there is no descriptor
 * @param unix       whether it is a unix domain socket
 */
public record WorkerListener(Protocol protocol, String name, FileDescriptor descriptor, SocketAddress bindAddress,
                             boolean unix) {

    public enum Protocol { UWSGI, HTTP }

    public static WorkerListener inherited(Protocol protocol, String name, FileDescriptor descriptor, boolean unix) {
        return new WorkerListener(protocol, name, descriptor, null, unix);
    }

    public static WorkerListener bound(Protocol protocol, String name, SocketAddress address) {
        return new WorkerListener(protocol, name, null, address, address instanceof DomainSocketAddress);
    }
}
