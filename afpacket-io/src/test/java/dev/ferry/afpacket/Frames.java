package dev.ferry.afpacket;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;

/** Hand-built Ethernet/IPv4/IPv6/TCP frames with correct checksums, for tests. */
final class Frames {
    static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final int SYN = 0x02;
    static final int ACK = 0x10;
    static final int RST = 0x04;

    private Frames() {}

    static byte[] ip(String address) {
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static long mac(String text) {
        return Long.parseLong(text.replace(":", ""), 16);
    }

    /**
     * Writes Ethernet + IPv4 (+ {@code ipOptionWords} words of NOP options) + TCP (20 bytes) +
     * payload at {@code at}; returns the frame length. With {@code partialChecksum} the TCP checksum
     * field holds only the pseudo-header sum, as checksum offload expects.
     */
    static int tcp4(
            MemorySegment m,
            long at,
            long dstMac,
            long srcMac,
            byte[] src,
            byte[] dst,
            int sport,
            int dport,
            int seq,
            int ack,
            int flags,
            byte[] payload,
            int ipOptionWords,
            boolean partialChecksum) {
        int ihl = 20 + 4 * ipOptionWords;
        int total = ihl + 20 + payload.length;
        ethernet(m, at, dstMac, srcMac, 0x0800);
        long ip = at + 14;
        m.set(ValueLayout.JAVA_BYTE, ip, (byte) (0x40 | (ihl / 4)));
        m.set(ValueLayout.JAVA_BYTE, ip + 1, (byte) 0);
        m.set(BE16, ip + 2, (short) total);
        m.set(BE16, ip + 4, (short) 0x1234);
        m.set(BE16, ip + 6, (short) 0x4000); // DF
        m.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
        m.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) 6);
        m.set(BE16, ip + 10, (short) 0);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, m, ip + 12, 4);
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, m, ip + 16, 4);
        for (int i = 0; i < ipOptionWords; i++) {
            m.set(BE32, ip + 20 + 4L * i, 0x01010101); // NOPs
        }
        m.set(BE16, ip + 10, (short) ~sum(m, ip, ihl, 0));
        long tcp = ip + ihl;
        tcpHeader(m, tcp, sport, dport, seq, ack, flags, payload);
        long pseudo = sumBytes(src) + sumBytes(dst) + 6 + 20 + payload.length;
        finishTcpChecksum(m, tcp, 20 + payload.length, pseudo, partialChecksum);
        return 14 + total;
    }

    /** Ethernet + IPv6 + TCP + payload; returns the frame length. */
    static int tcp6(
            MemorySegment m,
            long at,
            long dstMac,
            long srcMac,
            byte[] src,
            byte[] dst,
            int sport,
            int dport,
            int seq,
            int ack,
            int flags,
            byte[] payload,
            boolean partialChecksum) {
        ethernet(m, at, dstMac, srcMac, 0x86DD);
        long ip = at + 14;
        m.set(BE32, ip, 0x6000_0000);
        m.set(BE16, ip + 4, (short) (20 + payload.length));
        m.set(ValueLayout.JAVA_BYTE, ip + 6, (byte) 6);
        m.set(ValueLayout.JAVA_BYTE, ip + 7, (byte) 64);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, m, ip + 8, 16);
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, m, ip + 24, 16);
        long tcp = ip + 40;
        tcpHeader(m, tcp, sport, dport, seq, ack, flags, payload);
        long pseudo = sumBytes(src) + sumBytes(dst) + 6 + 20 + payload.length;
        finishTcpChecksum(m, tcp, 20 + payload.length, pseudo, partialChecksum);
        return 14 + 40 + 20 + payload.length;
    }

    /** An IPv4 UDP datagram frame; returns its length. */
    static int udp4(
            MemorySegment m,
            long at,
            long dstMac,
            long srcMac,
            byte[] src,
            byte[] dst,
            int sport,
            int dport,
            int fragmentOffsetWords,
            byte[] payload) {
        int total = 20 + 8 + payload.length;
        ethernet(m, at, dstMac, srcMac, 0x0800);
        long ip = at + 14;
        m.set(ValueLayout.JAVA_BYTE, ip, (byte) 0x45);
        m.set(ValueLayout.JAVA_BYTE, ip + 1, (byte) 0);
        m.set(BE16, ip + 2, (short) total);
        m.set(BE16, ip + 4, (short) 0x4321);
        m.set(BE16, ip + 6, (short) fragmentOffsetWords);
        m.set(ValueLayout.JAVA_BYTE, ip + 8, (byte) 64);
        m.set(ValueLayout.JAVA_BYTE, ip + 9, (byte) 17);
        m.set(BE16, ip + 10, (short) 0);
        MemorySegment.copy(MemorySegment.ofArray(src), 0, m, ip + 12, 4);
        MemorySegment.copy(MemorySegment.ofArray(dst), 0, m, ip + 16, 4);
        m.set(BE16, ip + 10, (short) ~sum(m, ip, 20, 0));
        m.set(BE16, ip + 20, (short) sport);
        m.set(BE16, ip + 22, (short) dport);
        m.set(BE16, ip + 24, (short) (8 + payload.length));
        m.set(BE16, ip + 26, (short) 0); // no UDP checksum (allowed over IPv4)
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, m, ip + 28, payload.length);
        return 14 + total;
    }

    /** Marks the IPv4 header at {@code at} (frame start) as a fragment at {@code offsetWords}*8 bytes. */
    static void makeFragment(MemorySegment m, long at, int offsetWords) {
        long ip = at + 14;
        int ihl = (m.get(ValueLayout.JAVA_BYTE, ip) & 0xF) * 4;
        m.set(BE16, ip + 6, (short) offsetWords);
        m.set(BE16, ip + 10, (short) 0);
        m.set(BE16, ip + 10, (short) ~sum(m, ip, ihl, 0));
    }

    private static void ethernet(MemorySegment m, long at, long dstMac, long srcMac, int type) {
        for (int b = 0; b < 6; b++) {
            m.set(ValueLayout.JAVA_BYTE, at + b, (byte) (dstMac >>> (40 - 8 * b)));
            m.set(ValueLayout.JAVA_BYTE, at + 6 + b, (byte) (srcMac >>> (40 - 8 * b)));
        }
        m.set(BE16, at + 12, (short) type);
    }

    private static void tcpHeader(
            MemorySegment m, long tcp, int sport, int dport, int seq, int ack, int flags, byte[] payload) {
        m.set(BE16, tcp, (short) sport);
        m.set(BE16, tcp + 2, (short) dport);
        m.set(BE32, tcp + 4, seq);
        m.set(BE32, tcp + 8, ack);
        m.set(BE16, tcp + 12, (short) ((5 << 12) | flags));
        m.set(BE16, tcp + 14, (short) 65535);
        m.set(BE16, tcp + 16, (short) 0);
        m.set(BE16, tcp + 18, (short) 0);
        MemorySegment.copy(MemorySegment.ofArray(payload), 0, m, tcp + 20, payload.length);
    }

    private static void finishTcpChecksum(MemorySegment m, long tcp, int length, long pseudo, boolean partial) {
        if (partial) {
            m.set(BE16, tcp + 16, (short) fold(pseudo)); // uncomplemented pseudo-header sum
        } else {
            m.set(BE16, tcp + 16, (short) ~sum(m, tcp, length, pseudo));
        }
    }

    private static long sumBytes(byte[] b) {
        long s = 0;
        for (int i = 0; i < b.length; i += 2) {
            s += ((b[i] & 0xFF) << 8) | (i + 1 < b.length ? b[i + 1] & 0xFF : 0);
        }
        return s;
    }

    static int sum(MemorySegment m, long at, int length, long initial) {
        long s = initial;
        for (int i = 0; i + 1 < length; i += 2) {
            s += Short.toUnsignedInt(m.get(BE16, at + i));
        }
        if ((length & 1) != 0) {
            s += (m.get(ValueLayout.JAVA_BYTE, at + length - 1) & 0xFF) << 8;
        }
        return fold(s);
    }

    private static int fold(long s) {
        while ((s >>> 16) != 0) {
            s = (s & 0xFFFF) + (s >>> 16);
        }
        return (int) s;
    }
}
