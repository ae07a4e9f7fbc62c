package dev.ferry.afpacket.shard;

import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxFrameHandler;
import dev.ferry.afpacket.TxRing;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import dev.ferry.tcp.link.FrameReceiver;
import dev.ferry.tcp.link.Link;
import dev.ferry.tcp.link.RxChecksum;
import java.lang.foreign.MemorySegment;

/**
 * The engine's {@link Link} over a {@link PacketSocket}: frames are received straight out of the
 * RX ring and built straight into TX ring slots.
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
    private final boolean vnet;
    private final int maxTxPayload;
    private final Handler handler = new Handler();

    public RingLink(PacketSocket socket) {
        this.socket = socket;
        this.tx = socket.hasTxRing() ? socket.tx() : null;
        this.vnet = socket.vnetHeader();
        int mss = socket.mtu() - IPV4_TCP_HEADERS;
        this.maxTxPayload =
                tx != null && vnet ? Math.min(MAX_GSO_PAYLOAD, tx.maxFrameLength() - Kernel.ETH_HLEN - 40 - 60) : mss;
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
        return tx != null && vnet;
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
        return requireTx().memory();
    }

    /**
     * A slot for the next frame. When every slot holds a frame this turn queued, they go to the
     * kernel now (which frees their slots as it takes them) instead of refusing the frame: a turn
     * may answer more segments than the ring has slots, and a refused frame costs its connection a
     * retry on a later turn.
     */
    @Override
    public long claimTx(int maxLength) {
        TxRing ring = requireTx();
        long at = ring.claim(maxLength);
        if (at < 0 && ring.unsent() > 0) {
            ring.flush();
            at = ring.claim(maxLength);
        }
        return at;
    }

    @Override
    public void commitTx(long offset, int length) {
        requireTx().commit(offset, length);
    }

    @Override
    public void commitTxOffloaded(
            long offset, int length, int l4Offset, int headerLength, int segmentSize, boolean ipv6) {
        requireTx().commitOffloaded(offset, length, l4Offset, headerLength, segmentSize, ipv6);
    }

    @Override
    public void flushTx() {
        if (tx != null) {
            tx.flush();
        }
    }

    private TxRing requireTx() {
        if (tx == null) {
            throw new IllegalStateException("the packet socket was opened without a TX ring");
        }
        return tx;
    }
}
