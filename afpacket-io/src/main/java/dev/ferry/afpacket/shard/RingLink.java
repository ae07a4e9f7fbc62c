package dev.ferry.afpacket.shard;

import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxFrameHandler;
import dev.ferry.afpacket.SendBatch;
import dev.ferry.afpacket.TxRing;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import dev.ferry.tcp.link.FrameReceiver;
import dev.ferry.tcp.link.Link;
import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;

/**
 * The engine's {@link Link} over a {@link PacketSocket}: frames are received straight out of the
 * RX ring and built straight into TX ring slots or, when the socket has a {@link SendBatch}, into
 * its staging memory.
 *
 * <p>Which way a frame goes: with both, frames up to {@link #copyLimit()} bytes (by default any
 * frame the device takes without segmentation) go through the send batch, whose linear skbs cross
 * a veth pair without a second copy, and GSO super-frames through the ring. Frames leave in the
 * order they were committed: switching from one path to the other flushes the first.
 *
 * <p>Checksum state comes from the kernel: TP_STATUS_CSUM_VALID (or a virtio_net_hdr saying
 * DATA_VALID) means {@link RxChecksum#VERIFIED}; TP_STATUS_CSUMNOTREADY (or NEEDS_CSUM) means the
 * sender on this host left it {@link RxChecksum#PARTIAL}; anything else is {@link
 * RxChecksum#UNKNOWN}. With PACKET_VNET_HDR the link accepts ~64 KB TCP payloads per frame and
 * lets the kernel segment them ({@link #commitTxOffloaded}); without it, one MSS per frame. (With
 * qdisc bypass, GSO frames need a device with TSO: see {@link PacketSocket.Builder#qdiscBypass}.)
 *
 * <p>Confined to the shard thread.
 */
public final class RingLink implements Link {
    /** The largest TCP payload handed to the kernel in one GSO frame (under the 64 KB IP limit). */
    public static final int MAX_GSO_PAYLOAD = 64_000;

    private static final int IPV4_TCP_HEADERS = 40;

    private final PacketSocket socket;
    private final TxRing tx;
    private final SendBatch batch;
    private final MemorySegment txMemory;
    private final boolean vnet;
    private final int maxTxPayload;
    private final int copyLimit;
    private final Handler handler = new Handler();
    private boolean claimedOnBatch;

    /**
     * Room the engine claims beyond an MTU-sized frame: it claims for its largest headers (VLAN tag,
     * IPv6, TCP options) before it knows which it writes.
     */
    private static final int CLAIM_SLACK = 128;

    /** A link whose send batch (if the socket has one) takes every frame the device takes unsegmented. */
    public RingLink(PacketSocket socket) {
        this(socket, socket.mtu() + CLAIM_SLACK);
    }

    /**
     * @param copyLimit the longest claim (Ethernet header on) served by the socket's send batch when
     *     it also has a TX ring; longer ones go through the ring
     */
    public RingLink(PacketSocket socket, int copyLimit) {
        this.socket = socket;
        this.tx = socket.hasTxRing() ? socket.tx() : null;
        this.batch = socket.sendBatch();
        this.txMemory = socket.txMemory();
        this.vnet = socket.vnetHeader();
        this.copyLimit = tx == null ? Integer.MAX_VALUE : batch == null ? -1 : copyLimit;
        int mss = socket.mtu() - IPV4_TCP_HEADERS;
        int largestFrame = tx != null ? tx.maxFrameLength() : batch != null ? batch.maxFrameLength() : 0;
        this.maxTxPayload = (tx != null || batch != null) && vnet
                ? Math.min(MAX_GSO_PAYLOAD, largestFrame - Kernel.ETH_HLEN - 40 - 60)
                : mss;
    }

    /** The longest frame that goes through the send batch (-1: none does; all: no TX ring). */
    public int copyLimit() {
        return copyLimit;
    }

    public PacketSocket socket() {
        return socket;
    }

    @Override
    public long macAddress() {
        return socket.macAddress();
    }

    @Override
    public int mtu() {
        return socket.mtu();
    }

    @Override
    public int maxTxPayload() {
        return maxTxPayload;
    }

    @Override
    public boolean txOffload() {
        return (tx != null || batch != null) && vnet;
    }

    @Override
    public int receive(FrameReceiver receiver, int budget) {
        handler.receiver = receiver;
        try {
            return socket.rx().drain(handler, budget);
        } finally {
            handler.receiver = null;
        }
    }

    /** Maps a frame's kernel status to what the engine needs to know about its checksum. */
    static RxChecksum checksumOf(int status, int vnetFlags) {
        if ((status & Kernel.TP_STATUS_CSUM_VALID) != 0 || (vnetFlags & Kernel.VIRTIO_NET_HDR_F_DATA_VALID) != 0) {
            return RxChecksum.VERIFIED;
        }
        if ((status & Kernel.TP_STATUS_CSUMNOTREADY) != 0 || (vnetFlags & Kernel.VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0) {
            return RxChecksum.PARTIAL;
        }
        return RxChecksum.UNKNOWN;
    }

    private final class Handler implements RxFrameHandler {
        FrameReceiver receiver;

        @Override
        public void onFrame(MemorySegment memory, long macOffset, int length, int status) {
            int vnetFlags = vnet ? VirtioNetHdr.flags(memory, macOffset - VirtioNetHdr.SIZE) : 0;
            receiver.onFrame(memory, macOffset, length, checksumOf(status, vnetFlags));
        }
    }

    @Override
    public MemorySegment txMemory() {
        requireTx();
        return txMemory;
    }

    /**
     * Room for the next frame. When the chosen path is full (every ring slot or the batch's staging
     * holds a frame this turn queued), its frames go to the kernel now and the claim is tried again
     * instead of refusing the frame: a turn may answer more segments than there is room for, and a
     * refused frame costs its connection a retry on a later turn.
     */
    @Override
    public long claimTx(int maxLength) {
        requireTx();
        boolean onBatch = maxLength <= copyLimit;
        if (onBatch) {
            if (tx != null && tx.unsent() > 0) {
                tx.flush(); // keep the order of frames across the two paths
            }
            long at = batch.claim(maxLength);
            if (at < 0 && batch.unsent() > 0) {
                batch.flush();
                at = batch.claim(maxLength);
            }
            claimedOnBatch = true;
            return at;
        }
        if (batch != null && batch.unsent() > 0) {
            batch.flush();
        }
        long at = tx.claim(maxLength);
        if (at < 0 && tx.unsent() > 0) {
            tx.flush();
            at = tx.claim(maxLength);
        }
        claimedOnBatch = false;
        return at;
    }

    @Override
    public void commitTx(long offset, int length) {
        if (claimedOnBatch) {
            batch.commit(offset, length);
        } else {
            requireTx();
            tx.commit(offset, length);
        }
    }

    @Override
    public void commitTxOffloaded(
            long offset, int length, int l4Offset, int headerLength, int segmentSize, boolean ipv6) {
        if (claimedOnBatch) {
            batch.commitOffloaded(offset, length, l4Offset, headerLength, segmentSize, ipv6);
        } else {
            requireTx();
            tx.commitOffloaded(offset, length, l4Offset, headerLength, segmentSize, ipv6);
        }
    }

    @Override
    public void flushTx() {
        if (tx != null) {
            tx.flush();
        }
        if (batch != null) {
            batch.flush();
        }
    }

    private void requireTx() {
        if (tx == null && batch == null) {
            throw new IllegalStateException("the packet socket was opened without a TX ring or send batch");
        }
    }
}
