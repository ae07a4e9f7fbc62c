package dev.ferry.afpacket;

/**
 * The kernel's PACKET_STATISTICS for a ring socket, accumulated since it opened (the kernel resets
 * its own counters on each read).
 *
 * @param packets      frames offered to the socket after its filter, including the dropped ones
 * @param drops        frames dropped because no block was free (the reader fell behind)
 * @param queueFreezes times the ring froze because the next block was still owned by the reader
 */
public record RingStatistics(long packets, long drops, long queueFreezes) {}
