package dev.ferry.tcp.seq;

/**
 * Sequence-number arithmetic modulo 2^32 (RFC 9293 section 3.4).
 *
 * <p>Sequence numbers are plain {@code int}s; every comparison goes through here so that wrap-around
 * is handled in one place. {@code a} is "before" {@code b} when the signed 32-bit distance from
 * {@code a} to {@code b} is positive, which is well defined as long as the two are less than 2^31
 * apart (a window can never be larger than 2^30 with window scaling, so they always are).
 */
public final class Seq {
    private Seq() {}

    /** {@code a < b} in sequence space. */
    public static boolean lt(int a, int b) {
        return a - b < 0;
    }

    /** {@code a <= b} in sequence space. */
    public static boolean le(int a, int b) {
        return a - b <= 0;
    }

    /** {@code a > b} in sequence space. */
    public static boolean gt(int a, int b) {
        return a - b > 0;
    }

    /** {@code a >= b} in sequence space. */
    public static boolean ge(int a, int b) {
        return a - b >= 0;
    }

    /** The later of two sequence numbers. */
    public static int max(int a, int b) {
        return gt(a, b) ? a : b;
    }

    /** The earlier of two sequence numbers. */
    public static int min(int a, int b) {
        return lt(a, b) ? a : b;
    }

    /** Bytes from {@code from} up to {@code to}; negative when {@code to} is before {@code from}. */
    public static int distance(int from, int to) {
        return to - from;
    }

    /** {@code low <= x < high} in sequence space (an empty range when {@code low == high}). */
    public static boolean inRange(int x, int low, int high) {
        return x - low >= 0 && x - high < 0;
    }

    /** {@code low <= x <= high} in sequence space. */
    public static boolean inClosedRange(int x, int low, int high) {
        return x - low >= 0 && x - high <= 0;
    }
}
