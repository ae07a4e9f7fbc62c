package dev.ferry.tcp.wire;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Addresses as the engine keys flows by them: two {@code long}s, the high and low halves of
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

    /** An IPv4 address as a big-endian int (10.0.0.1 is 0x0a000001). */
    public static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    /** Eight bytes of an address, big-endian, from {@code from}. */
    public static long longAt(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[from + i] & 0xff);
        }
        return v;
    }

    /** The address a (hi, lo) pair names; IPv4-mapped pairs come back as IPv4. Slow path only. */
    public static InetAddress toInetAddress(long hi, long lo) {
        byte[] b;
        if (hi == 0 && (lo >>> 32) == 0xFFFFL) {
            b = new byte[] {(byte) (lo >>> 24), (byte) (lo >>> 16), (byte) (lo >>> 8), (byte) lo};
        } else {
            b = new byte[16];
            for (int i = 0; i < 8; i++) {
                b[i] = (byte) (hi >>> (56 - 8 * i));
                b[8 + i] = (byte) (lo >>> (56 - 8 * i));
            }
        }
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new AssertionError(e); // only thrown for lengths other than 4 and 16
        }
    }
}
