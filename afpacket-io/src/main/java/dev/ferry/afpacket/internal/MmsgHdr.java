package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct mmsghdr} (one message of {@code sendmmsg}) and the {@code struct iovec} each of
 * ours points at, for x86-64 / LP64.
 *
 * <pre>
 * mmsghdr:  0 msg_hdr.msg_name (ptr)   8 msg_namelen (u32)   16 msg_iov (ptr)   24 msg_iovlen (size_t)
 *          32 msg_control (ptr)       40 msg_controllen     48 msg_flags (int)  56 msg_len (u32)  (64 bytes)
 * iovec:    0 iov_base (ptr)           8 iov_len (size_t)                                          (16 bytes)
 * </pre>
 *
 * The socket is bound to its device, so no message names an address; each carries one iovec.
 */
public final class MmsgHdr {
    public static final StructLayout MSGHDR = MemoryLayout.structLayout(
            ADDRESS.withName("msg_name"),
            JAVA_INT.withName("msg_namelen"),
            MemoryLayout.paddingLayout(4),
            ADDRESS.withName("msg_iov"),
            JAVA_LONG.withName("msg_iovlen"),
            ADDRESS.withName("msg_control"),
            JAVA_LONG.withName("msg_controllen"),
            JAVA_INT.withName("msg_flags"),
            MemoryLayout.paddingLayout(4));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            MSGHDR.withName("msg_hdr"), JAVA_INT.withName("msg_len"), MemoryLayout.paddingLayout(4));

    public static final StructLayout IOVEC =
            MemoryLayout.structLayout(ADDRESS.withName("iov_base"), JAVA_LONG.withName("iov_len"));

    public static final long SIZE = LAYOUT.byteSize();
    public static final long MSG_IOV_OFFSET = LAYOUT.byteOffset(groupElement("msg_hdr"), groupElement("msg_iov"));
    public static final long MSG_IOVLEN_OFFSET = LAYOUT.byteOffset(groupElement("msg_hdr"), groupElement("msg_iovlen"));
    public static final long MSG_LEN_OFFSET = LAYOUT.byteOffset(groupElement("msg_len"));
    public static final long IOVEC_SIZE = IOVEC.byteSize();
    public static final long IOV_BASE_OFFSET = IOVEC.byteOffset(groupElement("iov_base"));
    public static final long IOV_LEN_OFFSET = IOVEC.byteOffset(groupElement("iov_len"));

    private MmsgHdr() {}

    /**
     * Points message {@code i} of {@code messages} at iovec {@code i} of {@code iovecs}, once: after
     * this only the iovecs change per frame. Name, control and flags stay zero (the segments come
     * zeroed from their arena).
     */
    public static void linkIovec(MemorySegment messages, MemorySegment iovecs, int i) {
        long message = i * SIZE;
        messages.set(ADDRESS, message + MSG_IOV_OFFSET, iovecs.asSlice(i * IOVEC_SIZE, IOVEC_SIZE));
        messages.set(JAVA_LONG, message + MSG_IOVLEN_OFFSET, 1L);
    }

    /** Sets iovec {@code i} to {@code length} bytes at native address {@code address}. */
    public static void setIovec(MemorySegment iovecs, int i, long address, long length) {
        long at = i * IOVEC_SIZE;
        iovecs.set(JAVA_LONG, at + IOV_BASE_OFFSET, address);
        iovecs.set(JAVA_LONG, at + IOV_LEN_OFFSET, length);
    }

    /** Copies iovec {@code from} over iovec {@code to} (to move unsent frames to the front). */
    public static void moveIovec(MemorySegment iovecs, int from, int to) {
        MemorySegment.copy(iovecs, from * IOVEC_SIZE, iovecs, to * IOVEC_SIZE, IOVEC_SIZE);
    }
}
