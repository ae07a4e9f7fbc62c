package dev.ferry.tcp.stack;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Conversions between {@link InetAddress} and the primitive forms the engine keys flows by. */
final class InetAddresses {
    private InetAddresses() {}

    static int toInt(Inet4Address address) {
        byte[] b = address.getAddress();
        return (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
    }

    static long longAt(byte[] b, int from) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = v << 8 | (b[from + i] & 0xff);
        }
        return v;
    }

    /** The address a (hi, lo) pair names; IPv4-mapped pairs come back as IPv4. Slow path only. */
    static InetAddress toInetAddress(long hi, long lo) {
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
