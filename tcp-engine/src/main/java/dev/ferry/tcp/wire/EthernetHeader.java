package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU16;
import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU64;
import static dev.ferry.tcp.wire.NetworkOrder.u16;
import static dev.ferry.tcp.wire.NetworkOrder.u64;

import java.lang.foreign.MemorySegment;

/**
 * Flyweight over an Ethernet II header, with up to two VLAN tags skipped.
 *
 * <pre>
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +---------------------------------------------------------------+
 * |                 destination MAC (48 bits)                     |
 * +                               +-------------------------------+
 * |                               |                               |
 * +-------------------------------+                               +
 * |                      source MAC (48 bits)                     |
 * +-------------------------------+-------------------------------+
 * |  ethertype, or a TPID:        | PCP |D|  VLAN id (12 bits)    |  &lt;- only when tagged
 * |  0x8100 (802.1Q) or           +-------------------------------+
 * |  0x88a8 (802.1ad outer tag)   |  next ethertype or TPID ...   |
 * +-------------------------------+-------------------------------+
 * </pre>
 *
 * An 802.1ad (QinQ) frame carries an outer 0x88a8 tag and then an inner 0x8100 tag; a frame with
 * one tag of either TPID is accepted too. {@link #vlanId()} is the tag nearest the payload (the
 * customer VLAN), {@link #outerVlanId()} the service tag of a double-tagged frame.
 *
 * <p>Contract: after {@link #wrap} returned {@link Malformed#NONE}, no accessor can fail: {@code
 * wrap} reads the addresses, tags and type, and the accessors return what it read. Not thread-safe; one instance per shard, re-wrapped per frame.
 */
public final class EthernetHeader {
    public static final int DST_OFFSET = 0;
    public static final int SRC_OFFSET = 6;
    public static final int TYPE_OFFSET = 12;
    /** Bytes of an untagged header. */
    public static final int LENGTH = 14;
    /** Bytes one VLAN tag adds (TPID + TCI). */
    public static final int VLAN_TAG_LENGTH = 4;

    public static final int TYPE_IPV4 = 0x0800;
    public static final int TYPE_ARP = 0x0806;
    public static final int TYPE_IPV6 = 0x86dd;
    public static final int TPID_8021Q = 0x8100;
    public static final int TPID_8021AD = 0x88a8;
    /** {@link #vlanId()} of an untagged frame. */
    public static final int NO_VLAN = -1;

    private static final int VLAN_ID_MASK = 0x0fff;

    private long dst;
    private long src;
    private int headerLength;
    private int etherType;
    private int vlanId;
    private int outerVlanId;

    /**
     * Points this view at the frame in {@code memory} at {@code offset} with {@code length} bytes
     * and checks that the header and its VLAN tags fit.
     *
     * @return {@link Malformed#NONE}, or {@link Malformed#ETHERNET_TRUNCATED}
     */
    public Malformed wrap(MemorySegment memory, long offset, int length) {
        if (length < LENGTH) {
            return Malformed.ETHERNET_TRUNCATED;
        }
        // The whole untagged header in two overlapping loads: bytes 0..7 hold dst (and the top of
        // src, ignored), bytes 6..13 hold src and the type. Fewer loads, fewer bounds checks.
        this.dst = u64(memory, offset) >>> 16;
        long srcAndType = u64(memory, offset + SRC_OFFSET);
        this.src = srcAndType >>> 16;
        int type = (int) srcAndType & 0xffff;
        int at = LENGTH;
        int inner = NO_VLAN;
        int outer = NO_VLAN;
        // At most two tags: an 802.1ad outer tag may carry an 802.1Q inner tag, nothing deeper.
        for (int tags = 0; tags < 2 && (type == TPID_8021Q || type == TPID_8021AD); tags++) {
            if (length < at + VLAN_TAG_LENGTH) {
                return Malformed.ETHERNET_TRUNCATED;
            }
            outer = inner;
            inner = u16(memory, offset + at) & VLAN_ID_MASK; // the TCI follows the TPID
            type = u16(memory, offset + at + 2);
            at += VLAN_TAG_LENGTH;
        }
        this.headerLength = at;
        this.etherType = type;
        this.vlanId = inner;
        this.outerVlanId = outer;
        return Malformed.NONE;
    }

    /** The destination MAC in the low 48 bits. */
    public long dst() {
        return dst;
    }

    /** The source MAC in the low 48 bits. */
    public long src() {
        return src;
    }

    /** The ethertype of the payload, after any VLAN tags. */
    public int etherType() {
        return etherType;
    }

    /** The VLAN id of the tag nearest the payload, or {@link #NO_VLAN}. */
    public int vlanId() {
        return vlanId;
    }

    /** The outer (service) VLAN id of a double-tagged frame, or {@link #NO_VLAN}. */
    public int outerVlanId() {
        return outerVlanId;
    }

    /** Bytes from the frame start to the payload: 14, 18 or 22. */
    public int headerLength() {
        return headerLength;
    }

    /**
     * Writes a header with at most one 802.1Q tag (priority 0) and returns its length.
     *
     * @param vlanId {@link #NO_VLAN} for an untagged frame, else 0..4095
     */
    public static int write(MemorySegment memory, long offset, long dst, long src, int vlanId, int etherType) {
        // Both MACs in two stores: dst and the top of src, then the rest of src.
        putU64(memory, offset, (dst & 0xffff_ffff_ffffL) << 16 | (src >>> 32 & 0xffff));
        putU32(memory, offset + SRC_OFFSET + 2, (int) src);
        if (vlanId == NO_VLAN) {
            putU16(memory, offset + TYPE_OFFSET, etherType);
            return LENGTH;
        }
        putU16(memory, offset + TYPE_OFFSET, TPID_8021Q);
        putU16(memory, offset + TYPE_OFFSET + 2, vlanId & VLAN_ID_MASK);
        putU16(memory, offset + TYPE_OFFSET + 4, etherType);
        return LENGTH + VLAN_TAG_LENGTH;
    }
}
