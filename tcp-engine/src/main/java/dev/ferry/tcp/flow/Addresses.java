package dev.ferry.tcp.flow;

/**
 * Addresses as the flow and listener tables key them: two {@code long}s, the high and low halves of
 * an IPv6 address read big-endian. An IPv4 address is stored IPv4-mapped ({@code ::ffff:a.b.c.d},
 * RFC 4291 section 2.5.5.2), so IPv4 and IPv6 flows share one table and never collide.
 */
public final class Addresses {
    /** The low half of {@code ::ffff:0.0.0.0}. */
    public static final long IPV4_MAPPED_PREFIX = 0x0000_FFFF_0000_0000L;

    private Addresses() {}

    /** The low half of the IPv4-mapped form of {@code ipv4} (its high half is 0). */
    public static long ipv4MappedLo(int ipv4) {
        return IPV4_MAPPED_PREFIX | (ipv4 & 0xFFFF_FFFFL);
    }

    /** Whether {@code (hi, lo)} is an IPv4-mapped address. */
    public static boolean isIpv4Mapped(long hi, long lo) {
        return hi == 0 && (lo & 0xFFFF_FFFF_0000_0000L) == IPV4_MAPPED_PREFIX;
    }

    /** The IPv4 address inside an IPv4-mapped low half. */
    public static int ipv4(long mappedLo) {
        return (int) mappedLo;
    }
}
