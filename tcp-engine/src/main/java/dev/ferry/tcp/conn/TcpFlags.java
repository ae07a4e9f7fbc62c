package dev.ferry.tcp.conn;

/** The TCP header's control bits (RFC 9293 section 3.1, RFC 3168 for ECE and CWR). */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;
    public static final int URG = 0x20;
    public static final int ECE = 0x40;
    public static final int CWR = 0x80;

    private TcpFlags() {}

    /** True when every bit of {@code bits} is set in {@code flags}. */
    public static boolean has(int flags, int bits) {
        return (flags & bits) == bits;
    }

    /** The flags as text, e.g. {@code "SYN|ACK"}, for tests and diagnostics (allocates). */
    public static String toString(int flags) {
        StringBuilder text = new StringBuilder();
        String[] names = {"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"};
        for (int bit = 0; bit < names.length; bit++) {
            if ((flags & (1 << bit)) != 0) {
                if (!text.isEmpty()) {
                    text.append('|');
                }
                text.append(names[bit]);
            }
        }
        return text.isEmpty() ? "-" : text.toString();
    }
}
