package dev.ferry.tcp.wire;

/** The TCP flag bits as they sit in byte 13 of the header (RFC 9293 section 3.1, RFC 3168). */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    /** ECN-Echo (RFC 3168 section 6.1). */
    public static final int ECE = 0x40;
    /** Congestion Window Reduced (RFC 3168 section 6.1). */
    public static final int CWR = 0x80;

    private TcpFlags() {}

    /** True when every bit of {@code bits} is set in {@code flags}. */
    public static boolean has(int flags, int bits) {
        return (flags & bits) == bits;
    }

    /**
     * The flags in tcpdump's notation ({@code S.} for SYN+ACK, {@code P.} for PSH+ACK, {@code E}
     * and {@code W} for ECE and CWR). Allocates: for tests and logs, never the data path.
     */
    public static String toString(int flags) {
        StringBuilder out = new StringBuilder(8);
        if ((flags & SYN) != 0) out.append('S');
        if ((flags & FIN) != 0) out.append('F');
        if ((flags & RST) != 0) out.append('R');
        if ((flags & PSH) != 0) out.append('P');
        if ((flags & URG) != 0) out.append('U');
        if ((flags & ECE) != 0) out.append('E');
        if ((flags & CWR) != 0) out.append('W');
        if ((flags & ACK) != 0) out.append('.');
        return out.length() == 0 ? "none" : out.toString();
    }
}
