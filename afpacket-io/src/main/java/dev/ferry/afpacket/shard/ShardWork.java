package dev.ferry.afpacket.shard;

/**
 * What a {@link ShardLoop} runs besides receiving: the engine's timers, commands from other
 * threads, pending output. Called on the shard thread only.
 */
public interface ShardWork {
    /**
     * Runs whatever is due at {@code nowNs} ({@link System#nanoTime()} time) and returns how much
     * was done (0 when nothing was: the loop may then idle).
     */
    int doWork(long nowNs);

    /** When work is next due ({@link System#nanoTime()} time), or {@link Long#MAX_VALUE} for never. */
    long nextDeadlineNs();
}
