package dev.ferry.tcp.api;

/** Events of a listener, on its shard thread. */
@FunctionalInterface
public interface ListenHandler {
    /** A stream completed its handshake and waits in {@code listener}'s accept queue. */
    void onAcceptable(Listener listener);
}
