package dev.ferry.tcp.wire;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Big-endian, unaligned reads and writes of the field widths that appear in packet headers.
 *
 * <p>Frames in an AF_PACKET ring start at odd offsets (the kernel puts the Ethernet header at
 * {@code tp_mac}, e.g. 82, so the IP header sits at 96 and the TCP header at 116 — or anywhere
 * once a VLAN tag or IP options shift it), so every layout here is unaligned. Header flyweights
 * call these with absolute offsets; bounds are the flyweight's business (its checked {@code wrap}).
 */
public final class NetworkOrder {
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private NetworkOrder() {}

    /** One byte, 0..255. */
    public static int u8(MemorySegment memory, long offset) {
        return memory.get(ValueLayout.JAVA_BYTE, offset) & 0xff;
    }

    /** Two bytes in network order, 0..65535. */
    public static int u16(MemorySegment memory, long offset) {
        return memory.get(U16, offset) & 0xffff;
    }

    /** Four bytes in network order, as the int with the same bits. */
    public static int u32(MemorySegment memory, long offset) {
        return memory.get(U32, offset);
    }

    /** Eight bytes in network order, as the long with the same bits. */
    public static long u64(MemorySegment memory, long offset) {
        return memory.get(U64, offset);
    }

    /** A 48-bit MAC address in the low bits of a long (first byte on the wire is bits 47..40). */
    public static long mac(MemorySegment memory, long offset) {
        return ((long) u16(memory, offset) << 32) | (u32(memory, offset + 2) & 0xffff_ffffL);
    }

    public static void putU8(MemorySegment memory, long offset, int value) {
        memory.set(ValueLayout.JAVA_BYTE, offset, (byte) value);
    }

    public static void putU16(MemorySegment memory, long offset, int value) {
        memory.set(U16, offset, (short) value);
    }

    public static void putU32(MemorySegment memory, long offset, int value) {
        memory.set(U32, offset, value);
    }

    public static void putU64(MemorySegment memory, long offset, long value) {
        memory.set(U64, offset, value);
    }

    /** Writes the low 48 bits of {@code mac}, most significant byte first. */
    public static void putMac(MemorySegment memory, long offset, long mac) {
        putU16(memory, offset, (int) (mac >>> 32));
        putU32(memory, offset + 2, (int) mac);
    }
}
