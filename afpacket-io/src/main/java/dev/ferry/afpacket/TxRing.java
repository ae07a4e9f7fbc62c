package dev.ferry.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.Tpacket3Hdr;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The transmit side of a TPACKET_V3 ring: fixed-size frame slots that are filled in place, marked
 * TP_STATUS_SEND_REQUEST, and handed to the kernel with one {@code sendto} per {@link #flush()}.
 *
 * <p>The kernel consumes slots strictly in ring order from its own cursor and stops at the first
 * slot that is not a send request, so this class keeps its cursor in step with the kernel's: slots
 * are claimed in order, and when a flush fails the unsent slots are reset to available and the
 * claim cursor is rewound to the first of them (their frames are counted as dropped; TCP
 * retransmits).
 *
 * <p>Memory ordering: a slot's bytes and header are written with plain stores and its status is
 * published with a release store, so the kernel never sees SEND_REQUEST before the frame is
 * complete. The status of a slot is read with acquire before it is reused, pairing with the
 * kernel's store of TP_STATUS_AVAILABLE when it is done with the slot.
 *
 * <p>Confined to one thread (the shard thread).
 */
public final class TxRing {
    private static final VarHandle INT = JAVA_INT.varHandle();

    private final MemorySegment memory;
    private final int fd;
    private final int frameSize;
    private final int frameCount;
    private final boolean vnetHeader;
    private final int maxPlainFrame;
    private final int dataOffset;
    private final MemorySegment callState;

    private int head;
    private int unsentStart;
    private int unsentCount;

    private long framesQueued;
    private long flushes;
    private long ringFull;
    private long oversize;
    private long sendBusy;
    private long sendErrors;
    private long framesDropped;
    private long staleErrors;
    private int lastErrno;

    TxRing(
            MemorySegment memory,
            int fd,
            int frameSize,
            int frameCount,
            boolean vnetHeader,
            int mtu,
            MemorySegment callState) {
        this.memory = memory;
        this.fd = fd;
        this.frameSize = frameSize;
        this.frameCount = frameCount;
        this.vnetHeader = vnetHeader;
        // The kernel refuses frames longer than MTU + link header + a VLAN tag unless the
        // virtio_net_hdr asks for segmentation (EMSGSIZE).
        this.maxPlainFrame = mtu + Kernel.ETH_HLEN + 4;
        this.dataOffset = Tpacket3Hdr.TX_DATA_OFFSET + (vnetHeader ? VirtioNetHdr.SIZE : 0);
        this.callState = callState;
    }

    /** The TX ring memory; {@link #claim} returns offsets into it. */
    public MemorySegment memory() {
        return memory;
    }

    public int frameCount() {
        return frameCount;
    }

    /** The largest frame (Ethernet header on) one slot holds. */
    public int maxFrameLength() {
        return frameSize - dataOffset;
    }

    /** The largest frame the device takes without segmentation offload. */
    public int maxPlainFrameLength() {
        return Math.min(maxPlainFrame, maxFrameLength());
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    /**
     * Claims the next slot for a frame of up to {@code maxLength} bytes and returns the offset in
     * {@link #memory()} where its Ethernet header goes, or -1 when the kernel still holds the slot
     * (counted as {@link #ringFull()}; retry after a flush). Claiming again without a commit
     * returns the same slot.
     */
    public long claim(int maxLength) {
        if (maxLength > maxFrameLength()) {
            throw new IllegalArgumentException(
                    "frame of " + maxLength + " bytes exceeds the TX slot of " + maxFrameLength());
        }
        long slot = (long) head * frameSize;
        int status = (int) INT.getAcquire(memory, slot + Tpacket3Hdr.TP_STATUS_OFFSET);
        if (status != Kernel.TP_STATUS_AVAILABLE || unsentCount == frameCount) {
            ringFull++;
            return -1;
        }
        return slot + dataOffset;
    }

    /** Queues the frame written at {@code offset} (from {@link #claim}); its checksums are complete. */
    public void commit(long offset, int length) {
        long slot = slotOf(offset);
        if (length > maxPlainFrame) {
            oversize++;
            return;
        }
        if (vnetHeader) {
            VirtioNetHdr.writeNone(memory, slot + Tpacket3Hdr.TX_DATA_OFFSET);
        }
        publish(slot, length);
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
        long slot = slotOf(offset);
        boolean segment = segmentSize > 0 && length - headerLength > segmentSize;
        int gsoType = !segment
                ? Kernel.VIRTIO_NET_HDR_GSO_NONE
                : ipv6 ? Kernel.VIRTIO_NET_HDR_GSO_TCPV6 : Kernel.VIRTIO_NET_HDR_GSO_TCPV4;
        if (!segment && length > maxPlainFrame) {
            oversize++;
            return;
        }
        VirtioNetHdr.write(
                memory,
                slot + Tpacket3Hdr.TX_DATA_OFFSET,
                Kernel.VIRTIO_NET_HDR_F_NEEDS_CSUM,
                gsoType,
                headerLength,
                segment ? segmentSize : 0,
                l4Offset,
                16); // the TCP checksum field's offset in the TCP header (RFC 9293 section 3.1)
        publish(slot, length);
    }

    private long slotOf(long offset) {
        long slot = (long) head * frameSize;
        if (offset != slot + dataOffset) {
            throw new IllegalStateException(
                    "commit of offset " + offset + " that is not the claimed slot " + (slot + dataOffset));
        }
        return slot;
    }

    private void publish(long slot, int length) {
        memory.set(JAVA_INT, slot + Tpacket3Hdr.TP_NEXT_OFFSET_OFFSET, 0);
        memory.set(JAVA_INT, slot + Tpacket3Hdr.TP_LEN_OFFSET, length + (vnetHeader ? VirtioNetHdr.SIZE : 0));
        INT.setRelease(memory, slot + Tpacket3Hdr.TP_STATUS_OFFSET, Kernel.TP_STATUS_SEND_REQUEST);
        head = head + 1 == frameCount ? 0 : head + 1;
        unsentCount++;
        framesQueued++;
    }

    /** Frames committed and not yet taken by the kernel. */
    public int unsent() {
        return unsentCount;
    }

    /**
     * Hands every committed frame to the kernel with one non-blocking {@code sendto}. Returns the
     * number of frames the kernel took. A full socket send buffer (EAGAIN) keeps the frames for the
     * next flush. Any other failure drops the unsent frames (counted) and frees their slots: the
     * kernel would otherwise retry the failing frame forever. ENOBUFS, for one, means the device
     * dropped the frame — for example a GSO frame sent with qdisc bypass to a device without TSO,
     * which the kernel will not segment on that path.
     */
    public int flush() {
        if (unsentCount == 0) {
            return 0;
        }
        flushes++;
        long rc = Native.sendto(callState, fd, MemorySegment.NULL, 0, Kernel.MSG_DONTWAIT);
        if (rc < 0 && Native.errno(callState) != Kernel.EAGAIN) {
            // A socket reports an earlier asynchronous error (say ENETDOWN when its device went
            // down and came back) once, on the next send, without sending anything: try once more.
            lastErrno = Native.errno(callState);
            staleErrors++;
            rc = Native.sendto(callState, fd, MemorySegment.NULL, 0, Kernel.MSG_DONTWAIT);
        }
        if (rc >= 0) {
            int sent = unsentCount;
            unsentStart = head;
            unsentCount = 0;
            return sent;
        }
        lastErrno = Native.errno(callState);
        if (lastErrno == Kernel.EAGAIN) {
            sendBusy++;
            return settleAfterPartialSend();
        }
        sendErrors++;
        return dropUnsent();
    }

    /** After a busy error, the kernel took a prefix of the unsent frames; the rest stay queued. */
    private int settleAfterPartialSend() {
        int taken = 0;
        while (taken < unsentCount && !isUnsent(unsentStart)) {
            unsentStart = unsentStart + 1 == frameCount ? 0 : unsentStart + 1;
            taken++;
        }
        unsentCount -= taken;
        return taken;
    }

    private int dropUnsent() {
        int taken = settleAfterPartialSend();
        // The kernel's cursor rests on the first unsent slot: free that slot and the rest, and
        // rewind our cursor there so both agree again.
        int slot = unsentStart;
        for (int i = 0; i < unsentCount; i++) {
            INT.setRelease(memory, (long) slot * frameSize + Tpacket3Hdr.TP_STATUS_OFFSET, Kernel.TP_STATUS_AVAILABLE);
            slot = slot + 1 == frameCount ? 0 : slot + 1;
        }
        framesDropped += unsentCount;
        head = unsentStart;
        unsentCount = 0;
        return taken;
    }

    private boolean isUnsent(int slot) {
        int status = (int) INT.getAcquire(memory, (long) slot * frameSize + Tpacket3Hdr.TP_STATUS_OFFSET);
        return status == Kernel.TP_STATUS_SEND_REQUEST || status == Kernel.TP_STATUS_WRONG_FORMAT;
    }

    /** Frames committed. */
    public long framesQueued() {
        return framesQueued;
    }

    /** sendto calls made. */
    public long flushes() {
        return flushes;
    }

    /** Claims refused because the next slot was still in the kernel's hands. */
    public long ringFull() {
        return ringFull;
    }

    /** Frames refused at commit: longer than the device takes without segmentation. */
    public long oversize() {
        return oversize;
    }

    /** Flushes that found the socket's send buffer full (EAGAIN); the frames were kept. */
    public long sendBusy() {
        return sendBusy;
    }

    /** Flushes that failed otherwise (link down, malformed frame, ...). */
    public long sendErrors() {
        return sendErrors;
    }

    /** Frames dropped by failed flushes. */
    public long framesDropped() {
        return framesDropped;
    }

    /** The errno of the last failed flush (0 if none). */
    public int lastErrno() {
        return lastErrno;
    }

    /** Failed sends that were retried at once (a socket's pending error is reported only once). */
    public long retriedErrors() {
        return staleErrors;
    }
}
