package dev.ferry.afpacket;

/** How an {@link RxRing} finds received frames. */
public enum RxMode {
    /**
     * The documented TPACKET_V3 contract: read a block only after the kernel retired it (full, or
     * its retire timer fired). Simple and portable, but a lone packet waits up to the retire timeout.
     */
    RETIRE_ONLY,
    /**
     * Also read frames of the block the kernel is still filling, as each frame's status appears.
     * Gives per-packet latency with V3's batching; relies on x86-64 store ordering and on kernel
     * internals (see {@link PeekSelfTest}), so it is verified at open and falls back to {@link
     * #RETIRE_ONLY} when the check fails.
     */
    PEEK
}
