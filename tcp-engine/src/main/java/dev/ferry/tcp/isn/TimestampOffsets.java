package dev.ferry.tcp.isn;

import java.util.random.RandomGenerator;

/**
 * Where each connection's timestamp clock starts (RFC 7323 section 5.4): TSval = clock + offset,
 * with the offset a keyed hash (SipHash-2-4, its own key) of the local and remote addresses.
 *
 * <p>Keyed, so an observer cannot read our uptime or line up the clocks of different peers. Keyed
 * on the address pair and not the ports, so successive connections between the same two hosts
 * carry increasing timestamps: a peer holding an earlier connection in TIME-WAIT may then accept
 * our next SYN on its timestamp (RFC 6191), and PAWS on the peer never sees our clock step back.
 * Linux draws its offsets the same way. A hash instead of a random draw per connection also keeps
 * the accept path free of the production random source (a {@link java.security.SecureRandom}
 * costs a lock and a SHA-1 block per draw).
 *
 * <p>Immutable and allocation-free.
 */
public final class TimestampOffsets {
    private final SipHash prf;

    /** Keys the hash with 128 bits from {@code random}, which must be unpredictable in production. */
    public TimestampOffsets(RandomGenerator random) {
        this.prf = SipHash.keyedFrom(random);
    }

    /** The offset for connections between these addresses (16-byte, IPv4 mapped, as two longs each). */
    public int offset(long localHi, long localLo, long remoteHi, long remoteLo) {
        return (int) prf.hash24(localHi, localLo, remoteHi, remoteLo, 0);
    }
}
