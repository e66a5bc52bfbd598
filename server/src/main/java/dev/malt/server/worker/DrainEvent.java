package dev.malt.server.worker;

/** Fired into every connection's pipeline when the worker stops: finish what is in flight, then close. */
final class DrainEvent {

    static final DrainEvent INSTANCE = new DrainEvent();

    private DrainEvent() {
    }
}
