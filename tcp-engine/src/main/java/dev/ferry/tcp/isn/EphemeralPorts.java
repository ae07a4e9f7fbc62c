package dev.ferry.tcp.isn;

import java.util.random.RandomGenerator;

/**
 * Local ports for active opens, chosen as RFC 6056 section 3.3.3 (its "Algorithm 3") recommends:
 * the search for a free port towards a destination starts at a keyed hash of (local address, remote
 * address, remote port) plus a counter that every choice advances.
 *
 * <p>Towards one destination, ports then come in sequence, so a port is reused as late as possible
 * (the 4-tuple's last incarnation is long gone, or in TIME-WAIT as far back as the range allows);
 * across destinations they start at unrelated places, so an off-path attacker who sees our port to
 * one host cannot guess our port to another. And choosing costs a hash, not a draw from the
 * production random source.
 *
 * <p>Not thread-safe: one per shard.
 */
public final class EphemeralPorts {
    /** Linux's default {@code ip_local_port_range}: 32768 up to and including 60999. */
    public static final int FIRST = 32768;

    public static final int COUNT = 61000 - FIRST;

    private final SipHash prf;
    private int next;

    /** Keys the hash with 128 bits from {@code random}, which must be unpredictable in production. */
    public EphemeralPorts(RandomGenerator random) {
        this.prf = SipHash.keyedFrom(random);
        this.next = random.nextInt(COUNT);
    }

    /** F of the RFC: this destination's secret place in the range (hash it once per search). */
    public int offset(long localHi, long localLo, long remoteHi, long remoteLo, int remotePort) {
        return (int) prf.hash24(localHi, localLo, remoteHi, remoteLo, remotePort & 0xFFFF);
    }

    /**
     * The next port to try towards the destination of {@code offset}. Every call advances the one
     * counter, as the RFC's algorithm does, so the next search towards the same destination begins
     * past every port tried now.
     */
    public int next(int offset) {
        return FIRST + Integer.remainderUnsigned(offset + next++, COUNT);
    }
}
