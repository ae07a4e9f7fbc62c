package dev.ferry.tcp.flow;

import java.util.random.RandomGenerator;

/**
 * The flow table's keyed hash of a flow key (three words, see {@link FlowRecords}): multilinear
 * hashing over 32-bit pieces with 64-bit random keys, {@code (k0 + k1*m1 + ... + k6*m6) mod 2^64},
 * whose top 32 bits go through a fixed 32-bit mixer.
 *
 * <p>Why this and not SipHash-1-3: it is six independent multiplications and a short mixer (a few ns here, against
 * about 10 ns for SipHash-1-3 of the same 24 bytes, which was half the cost of a flow lookup), and
 * its top 32 bits are <em>strongly universal</em> (Lemire and Kaser, "Strongly universal string
 * hashing is fast", 2014): for any two different keys the pair of results is uniformly distributed
 * over the random choice of the 448 key bits. So flows chosen without knowledge of the key — which
 * is drawn per table from the stack's random source, a secure one in production — land in slots
 * exactly as random flows do, however the peer crafts them (hash flooding).
 *
 * <p>What it does not give, unlike a PRF such as SipHash: a peer who could observe which of its
 * flows collide could learn linear relations between the key words and then aim many flows at one
 * run. No value derived from this hash ever leaves the shard (the tag and slot order are internal,
 * ephemeral ports are random, ISNs and timestamps use SipHash-2-4 under other keys), one probe more
 * or less is a nanosecond against microseconds of network jitter, and the {@link FlowTable} re-keys
 * itself if a run ever grows implausibly long, which throws away whatever was learned. Linux keys
 * its own established-socket hash with jhash and a 32-bit secret.
 *
 * <p>Immutable; the instance holds only its key.
 */
public final class FlowHash implements FlowTable.TupleHash {
    private final long k0;
    private final long k1;
    private final long k2;
    private final long k3;
    private final long k4;
    private final long k5;
    private final long k6;

    /** A hash keyed with 448 bits from {@code random}, which must be unpredictable to peers in production. */
    public FlowHash(RandomGenerator random) {
        k0 = random.nextLong();
        k1 = random.nextLong();
        k2 = random.nextLong();
        k3 = random.nextLong();
        k4 = random.nextLong();
        k5 = random.nextLong();
        k6 = random.nextLong();
    }

    /** The 32-bit hash of a flow key, in the low half of the result (the high half is 0). */
    @Override
    public long hash(long remoteHi, long remoteLo, long portsAndLocal) {
        long sum = k0
                + k1 * (remoteHi >>> 32)
                + k2 * (remoteHi & 0xFFFF_FFFFL)
                + k3 * (remoteLo >>> 32)
                + k4 * (remoteLo & 0xFFFF_FFFFL)
                + k5 * (portsAndLocal >>> 32)
                + k6 * (portsAndLocal & 0xFFFF_FFFFL);
        // The top half is the strongly universal part. A fixed bijection of it keeps that property
        // (a uniform pair stays uniform) and breaks the arithmetic structure the sum has: without it,
        // consecutive ports would land at evenly spaced slots, and for an unlucky key in adjacent ones.
        // The mixer is Wellons' "lowbias32" (hash-prospector), two xorshift-multiply rounds.
        int h = (int) (sum >>> 32);
        h ^= h >>> 16;
        h *= 0x7feb352d;
        h ^= h >>> 15;
        h *= 0x846ca68b;
        h ^= h >>> 16;
        return h & 0xFFFF_FFFFL;
    }
}
