package dev.ferry.tcp.api;

/** Where established incoming streams wait for the application. Shard thread only. */
public interface Listener {
    /**
     * The oldest established stream not yet accepted, or null when none waits. Install a
     * {@link StreamHandler} on it with {@link Stream#handler}.
     */
    Stream accept();

    /** Established streams waiting in the accept queue. */
    int acceptQueueLength();
}
