package dev.ferry.tcp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's complement of the one's complement sum of the
 * data taken as big-endian 16-bit words.
 *
 * <p>Sums are carried as a {@code long} "partial sum" that is only folded at the end, so ranges
 * and pseudo-headers can be added up in any order (RFC 1071 section 2: the sum is commutative and
 * associative). That also allows the fast loop: it adds 8 bytes per step as two 32-bit halves and
 * folds once, which gives the same 16-bit result as adding 16-bit words (RFC 1071 section 2(C),
 * parallel summation). A long cannot overflow before 2^31 such steps, far beyond any frame.
 *
 * <p>Every range but the last one of a checksummed stream must have an even length, because an odd
 * byte is taken as the high half of a word padded with zero.
 */
public final class Checksum {
    private Checksum() {}

    /** Adds {@code length} bytes at {@code offset} to the partial sum {@code sum}. */
    public static long add(MemorySegment memory, long offset, int length, long sum) {
        // Two accumulators so consecutive additions do not wait on each other. The int index (not
        // a long position) lets C2 treat this as a counted loop and drop per-access range checks.
        long even = sum;
        long odd = 0;
        int blocks = length & ~15;
        int i = 0;
        for (; i < blocks; i += 16) {
            long a = memory.get(NetworkOrder.U64, offset + i);
            long b = memory.get(NetworkOrder.U64, offset + i + 8);
            even += (a >>> 32) + (a & 0xffff_ffffL);
            odd += (b >>> 32) + (b & 0xffff_ffffL);
        }
        even += odd;
        int rest = length - i;
        long at = offset + i;
        if ((rest & 8) != 0) {
            long a = memory.get(NetworkOrder.U64, at);
            even += (a >>> 32) + (a & 0xffff_ffffL);
            at += 8;
        }
        if ((rest & 4) != 0) {
            even += memory.get(NetworkOrder.U32, at) & 0xffff_ffffL;
            at += 4;
        }
        if ((rest & 2) != 0) {
            even += memory.get(NetworkOrder.U16, at) & 0xffff;
            at += 2;
        }
        if ((rest & 1) != 0) {
            even += (memory.get(ValueLayout.JAVA_BYTE, at) & 0xff) << 8;
        }
        return even;
    }

    /** Adds a 16-bit word to a partial sum. */
    public static long addWord(long sum, int word) {
        return sum + (word & 0xffff);
    }

    /** Folds a partial sum to 16 bits with end-around carry: the one's complement sum. */
    public static int fold(long sum) {
        long s = (sum & 0xffff_ffffL) + (sum >>> 32);
        s = (s & 0xffff_ffffL) + (s >>> 32);
        s = (s & 0xffff) + (s >>> 16);
        s = (s & 0xffff) + (s >>> 16);
        return (int) ((s & 0xffff) + (s >>> 16));
    }

    /** The checksum field value for a partial sum: the complement of the folded sum. */
    public static int finish(long sum) {
        return ~fold(sum) & 0xffff;
    }

    /**
     * True when a range summed together with its stored checksum (and pseudo-header) verifies: the
     * folded sum is all ones (RFC 1071 section 1, step 3).
     */
    public static boolean verifies(long sum) {
        return fold(sum) == 0xffff;
    }

    /**
     * The TCP/UDP pseudo-header for IPv4 (RFC 9293 section 3.1): source, destination, zero,
     * protocol, and the transport length (header + payload).
     */
    public static long ipv4PseudoHeader(int src, int dst, int protocol, int transportLength) {
        return (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + protocol + transportLength;
    }

    /**
     * The upper-layer pseudo-header for IPv6 (RFC 8200 section 8.1): source, destination, the
     * 32-bit upper-layer length and the next-header value.
     */
    public static long ipv6PseudoHeader(
            long srcHi, long srcLo, long dstHi, long dstLo, int nextHeader, int transportLength) {
        return halves(srcHi)
                + halves(srcLo)
                + halves(dstHi)
                + halves(dstLo)
                + nextHeader
                + (transportLength & 0xffff_ffffL);
    }

    private static long halves(long v) {
        return (v >>> 32) + (v & 0xffff_ffffL);
    }

    /**
     * The new checksum field after one 16-bit word it covers changed from {@code oldWord} to
     * {@code newWord}, without summing the data again: RFC 1624 equation 3, {@code HC' = ~(~HC +
     * ~m + m')}, which (unlike equation 2) never produces the wrong zero.
     */
    public static int update16(int checksum, int oldWord, int newWord) {
        long sum = (~checksum & 0xffff) + (~oldWord & 0xffff) + (newWord & 0xffff);
        return ~fold(sum) & 0xffff;
    }

    /** {@link #update16} for a 32-bit field (an IPv4 address, a sequence number). */
    public static int update32(int checksum, int oldValue, int newValue) {
        long sum = (~checksum & 0xffff)
                + (~oldValue >>> 16 & 0xffff)
                + (~oldValue & 0xffff)
                + (newValue >>> 16)
                + (newValue & 0xffff);
        return ~fold(sum) & 0xffff;
    }
}
