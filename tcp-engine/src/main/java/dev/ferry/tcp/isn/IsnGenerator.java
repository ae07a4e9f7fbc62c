package dev.ferry.tcp.isn;

import java.util.random.RandomGenerator;

/**
 * Initial sequence numbers as RFC 6528 section 3 specifies them: ISN = M + F(local address, local
 * port, remote address, remote port, secret key), where M is a clock that advances every 4
 * microseconds and F a keyed pseudorandom function.
 *
 * <p>M makes successive connections of the same 4-tuple start later in sequence space than the
 * segments an earlier incarnation may still have in flight (RFC 9293 section 3.4.1). F gives every
 * 4-tuple its own unpredictable offset, so an off-path attacker who sees its own connections'
 * ISNs learns nothing about anyone else's (the blind-spoofing attacks of RFC 6528 section 1). F
 * here is SipHash-2-4 with a 128-bit key drawn once, at construction, from the injected random
 * source, which must be unpredictable in production ({@link java.security.SecureRandom}); tests
 * pass a seeded one.
 *
 * <p>Immutable and allocation-free: one generator may serve every shard.
 */
public final class IsnGenerator {
    /** The period of M: RFC 9293's ISN clock advances once every 4 microseconds. */
    public static final long CLOCK_PERIOD_NS = 4_000;

    private final SipHash prf;

    public IsnGenerator(RandomGenerator random) {
        this.prf = SipHash.keyedFrom(random);
    }

    /**
     * The ISN for a connection of this 4-tuple opened at {@code nowNs}. Addresses are 16-byte
     * (IPv4 mapped) as two {@code long}s; ports count by their low 16 bits.
     */
    public int isn(
            long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort, long nowNs) {
        int clock = (int) Math.floorDiv(nowNs, CLOCK_PERIOD_NS);
        return clock + offset(localHi, localLo, remoteHi, remoteLo, localPort, remotePort);
    }

    /** F: the 4-tuple's secret, fixed offset in sequence space. */
    private int offset(long localHi, long localLo, long remoteHi, long remoteLo, int localPort, int remotePort) {
        int ports = ((localPort & 0xFFFF) << 16) | (remotePort & 0xFFFF);
        return (int) prf.hash24(localHi, localLo, remoteHi, remoteLo, ports);
    }
}
