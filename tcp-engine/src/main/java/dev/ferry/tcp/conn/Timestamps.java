package dev.ferry.tcp.conn;

/** The timestamps option's clock (RFC 7323 5.4: between 1 ms and 1 s per tick; ours is 1 ms). */
final class Timestamps {
    private Timestamps() {}

    /** TSval for {@code nowNs} on a connection whose clock starts at {@code offset}. */
    static int clock(long nowNs, int offset) {
        return (int) (nowNs / 1_000_000L) + offset;
    }
}
