package dev.ferry.afpacket;

import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.MmsgHdr;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import java.lang.foreign.MemorySegment;

/**
 * The copying transmit path: frames are built in plain staging memory and handed to the kernel
 * with one {@code sendmmsg} per {@link #flush()}, on a packet socket of their own that has no TX
 * ring (a socket with a TX ring sends every message from its ring).
 *
 * <p>Why beside the TX ring: the kernel builds a ring frame's skb with only the link header in its
 * linear part and the rest as page fragments that point into the ring, and the skb must give
 * those pages back before it can cross into another network namespace (veth), so the kernel
 * allocates pages and copies the frame again there. A message sent with {@code sendmsg} is copied
 * once, into a linear skb when it is shorter than a page, and crosses as it is.
 *
 * <p>Staging is a bump allocator: frames are packed one after another (16-byte aligned) and the
 * memory is reused from the start once a flush has sent them all. A frame the kernel refused with
 * EAGAIN (a full socket send buffer) stays queued for the next flush; one it refused otherwise is
 * dropped and counted (TCP retransmits), and the rest of the batch still goes.
 *
 * <p>With PACKET_VNET_HDR each frame is preceded by its virtio_net_hdr in the staging memory, as
 * {@code sendmsg} expects: offloaded frames carry a partial checksum (and GSO cuts) for the kernel
 * to finish, which costs nothing on veth, where the checksum is never computed at all.
 *
 * <p>Confined to one thread (the shard thread).
 */
public final class SendBatch {
    private static final int ALIGN = 16;

    private final MemorySegment memory;
    private final long stagingAddress;
    private final long stagingOffset;
    private final long stagingEnd;
    private final MemorySegment messages;
    private final MemorySegment iovecs;
    private final int fd;
    private final int maxFrames;
    private final boolean vnetHeader;
    private final int vnetSize;
    private final int maxPlainFrame;
    private final MemorySegment callState;

    private long cursor;
    private long claimed = -1;
    private int queued;

    private long framesQueued;
    private long flushes;
    private long full;
    private long oversize;
    private long sendBusy;
    private long sendErrors;
    private long framesDropped;
    private long staleErrors;
    private int lastErrno;

    /**
     * @param txMemory      the memory {@link #claim} offsets index (staging is part of it)
     * @param stagingOffset where in {@code txMemory} the staging bytes start
     * @param stagingBytes  how many bytes of staging there are
     */
    SendBatch(
            MemorySegment txMemory,
            long stagingOffset,
            long stagingBytes,
            MemorySegment messages,
            MemorySegment iovecs,
            int fd,
            int maxFrames,
            boolean vnetHeader,
            int mtu,
            MemorySegment callState) {
        this.memory = txMemory;
        this.stagingOffset = stagingOffset;
        this.stagingAddress = txMemory.address() + stagingOffset;
        this.stagingEnd = stagingOffset + stagingBytes;
        this.messages = messages;
        this.iovecs = iovecs;
        this.fd = fd;
        this.maxFrames = maxFrames;
        this.vnetHeader = vnetHeader;
        this.vnetSize = vnetHeader ? VirtioNetHdr.SIZE : 0;
        // The kernel refuses frames longer than MTU + link header + a VLAN tag unless the
        // virtio_net_hdr asks for segmentation (EMSGSIZE).
        this.maxPlainFrame = mtu + Kernel.ETH_HLEN + 4;
        this.callState = callState;
        this.cursor = stagingOffset;
        for (int i = 0; i < maxFrames; i++) {
            MmsgHdr.linkIovec(messages, iovecs, i);
        }
    }

    /** The largest frame (Ethernet header on) one claim can hold. */
    public int maxFrameLength() {
        return (int) Math.min(Integer.MAX_VALUE, stagingEnd - stagingOffset - vnetSize);
    }

    /** The largest frame the device takes without segmentation offload. */
    public int maxPlainFrameLength() {
        return Math.min(maxPlainFrame, maxFrameLength());
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    /**
     * Claims room for a frame of up to {@code maxLength} bytes and returns the offset in the TX
     * memory where its Ethernet header goes, or -1 when the staging memory or the message array is
     * full (counted by {@link #full()}; retry after a flush). Claiming again without a commit
     * returns the same room.
     */
    public long claim(int maxLength) {
        if (maxLength > maxFrameLength()) {
            throw new IllegalArgumentException(
                    "frame of " + maxLength + " bytes exceeds the send batch's room of " + maxFrameLength());
        }
        if (queued == maxFrames || cursor + vnetSize + maxLength > stagingEnd) {
            full++;
            return -1;
        }
        claimed = cursor + vnetSize;
        return claimed;
    }

    /** Queues the frame written at {@code offset} (from {@link #claim}); its checksums are complete. */
    public void commit(long offset, int length) {
        checkClaimed(offset);
        if (length > maxPlainFrame) {
            oversize++;
            return;
        }
        if (vnetHeader) {
            VirtioNetHdr.writeNone(memory, cursor);
        }
        enqueue(length);
    }

    /**
     * Queues a frame for the kernel to finish: its TCP checksum field holds the pseudo-header sum,
     * and when {@code segmentSize} is non-zero and the payload is longer, the kernel cuts it into
     * segments of {@code segmentSize} payload bytes (GSO). Needs PACKET_VNET_HDR.
     */
    public void commitOffloaded(
            long offset, int length, int l4Offset, int headerLength, int segmentSize, boolean ipv6) {
        if (!vnetHeader) {
            throw new IllegalStateException("offloaded transmit needs a socket opened with vnetHeader(true)");
        }
        checkClaimed(offset);
        boolean segment = segmentSize > 0 && length - headerLength > segmentSize;
        if (!segment && length > maxPlainFrame) {
            oversize++;
            return;
        }
        int gsoType = !segment
                ? Kernel.VIRTIO_NET_HDR_GSO_NONE
                : ipv6 ? Kernel.VIRTIO_NET_HDR_GSO_TCPV6 : Kernel.VIRTIO_NET_HDR_GSO_TCPV4;
        VirtioNetHdr.write(
                memory,
                cursor,
                Kernel.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                gsoType,
                headerLength,
                segment ? segmentSize : 0,
                l4Offset,
                16); // the TCP checksum field's offset in the TCP header (RFC 9293 section 3.1)
        enqueue(length);
    }

    private void checkClaimed(long offset) {
        if (offset != claimed) {
            throw new IllegalStateException("commit of offset " + offset + " that is not the claimed " + claimed);
        }
    }

    private void enqueue(int length) {
        int total = vnetSize + length;
        MmsgHdr.setIovec(iovecs, queued, stagingAddress + (cursor - stagingOffset), total);
        cursor = align(cursor + total);
        claimed = -1;
        queued++;
        framesQueued++;
    }

    private static long align(long x) {
        return (x + ALIGN - 1) & -ALIGN;
    }

    /** Frames committed and not yet taken by the kernel. */
    public int unsent() {
        return queued;
    }

    /**
     * Hands every committed frame to the kernel with {@code sendmmsg} (more than one call only
     * when the kernel stops part-way). Returns the number of frames the kernel took.
     */
    public int flush() {
        if (queued == 0) {
            return 0;
        }
        flushes++;
        int sent = 0;
        boolean retried = false;
        while (queued > 0) {
            int rc = Native.sendmmsg(callState, fd, messages, queued, Kernel.MSG_DONTWAIT);
            if (rc > 0) {
                sent += rc;
                retried = false;
                dropFront(rc);
                continue;
            }
            if (rc == 0) {
                return sent; // nothing went and nothing failed: try again on the next flush
            }
            int errno = Native.errno(callState);
            lastErrno = errno;
            if (errno == Kernel.EAGAIN) {
                sendBusy++;
                return sent;
            }
            if (!retried) {
                // The error may be old news, reported without sending anything: one the socket
                // kept when an earlier sendmmsg stopped part-way, or an asynchronous one (say
                // ENETDOWN after its device went down and came back). Try the frame once more.
                staleErrors++;
                retried = true;
                continue;
            }
            sendErrors++;
            framesDropped++;
            retried = false;
            dropFront(1);
        }
        return sent;
    }

    /** Forgets the first {@code n} queued frames, moving the rest to the front of the message array. */
    private void dropFront(int n) {
        int left = queued - n;
        for (int i = 0; i < left; i++) {
            MmsgHdr.moveIovec(iovecs, n + i, i);
        }
        queued = left;
        if (left == 0) {
            cursor = stagingOffset;
        }
    }

    /** Frames committed. */
    public long framesQueued() {
        return framesQueued;
    }

    /** Flushes that had frames to send. */
    public long flushes() {
        return flushes;
    }

    /** Claims refused because the staging memory or message array was full. */
    public long full() {
        return full;
    }

    /** Frames refused at commit: longer than the device takes without segmentation. */
    public long oversize() {
        return oversize;
    }

    /** Flushes that found the socket's send buffer full (EAGAIN); the frames were kept. */
    public long sendBusy() {
        return sendBusy;
    }

    /** Frames the kernel refused twice, other than for a full send buffer (link down, malformed frame, ...). */
    public long sendErrors() {
        return sendErrors;
    }

    /** Frames dropped because the kernel refused them. */
    public long framesDropped() {
        return framesDropped;
    }

    /** The errno of the last failed send (0 if none). */
    public int lastErrno() {
        return lastErrno;
    }

    /** Failed sends that were retried at once (the error may have been an earlier one's). */
    public long retriedErrors() {
        return staleErrors;
    }
}
