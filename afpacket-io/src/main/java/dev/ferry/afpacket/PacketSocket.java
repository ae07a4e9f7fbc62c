package dev.ferry.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.bpf.BpfProgram;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.MmsgHdr;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.SocketSetup;
import dev.ferry.afpacket.internal.Tpacket3Hdr;
import dev.ferry.afpacket.internal.TpacketBlockDesc;
import dev.ferry.afpacket.internal.TpacketStatsV3;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An AF_PACKET socket bound to one device, with a TPACKET_V3 receive ring and (optionally) a
 * transmit ring in one shared mapping. Built with {@link #builder(String)}; the socket lives in
 * the network namespace of the thread that opens it.
 *
 * <pre>{@code
 * try (PacketSocket s = PacketSocket.builder("eth0").filter(TcpFilter.builder().localPorts(80).build()).open()) {
 *     s.rx().drain((memory, mac, length, status) -> ..., 64);
 * }
 * }</pre>
 *
 * <p>Opening follows the order the kernel needs: version, filter, ignore-outgoing and vnet header
 * before the rings exist; the rings and one mmap; bind; then fanout and qdisc bypass, which need a
 * bound socket. The RX and TX rings are confined to one thread; {@link #statistics()} may be
 * called from that thread only.
 */
public final class PacketSocket implements AutoCloseable {
    /** How to open a {@link PacketSocket}. Defaults suit one shard of a sidecar on a veth device. */
    public static final class Builder {
        private final String interfaceName;
        private int blockSize = 1 << 18;
        private int blockCount = 16;
        private int frameSize = 1 << 11;
        private int retireTimeoutMs = 10;
        private int txFrameSize = 0;
        private int txFrameCount = 256;
        private boolean txRing = true;
        private int fanoutGroup = -1;
        private boolean qdiscBypass = true;
        private boolean ignoreOutgoing = true;
        private boolean vnetHeader;
        private BpfProgram filter;
        private RxMode rxMode = RxMode.RETIRE_ONLY;
        private boolean doorbell;
        private int sendBatchBytes;
        private int sendBatchFrames;

        private Builder(String interfaceName) {
            this.interfaceName = Objects.requireNonNull(interfaceName);
        }

        /**
         * RX block size in bytes (a multiple of the page size). A block must hold the largest
         * frame: with GSO on veth that is a ~64 KB super-frame plus headers (default 256 KB).
         */
        public Builder blockSize(int bytes) {
            this.blockSize = bytes;
            return this;
        }

        /** RX blocks (default 16). */
        public Builder blockCount(int blocks) {
            this.blockCount = blocks;
            return this;
        }

        /** The V3 RX frame size the kernel checks the geometry with (default 2048). */
        public Builder frameSize(int bytes) {
            this.frameSize = bytes;
            return this;
        }

        /**
         * How long the kernel waits before retiring a partly filled block (default 10 ms). With
         * RETIRE_ONLY this is the latency of a lone packet; with PEEK it only bounds how long a
         * lost doorbell wake-up can last, and a low value costs 1000/tov timer interrupts a second.
         */
        public Builder retireTimeoutMs(int ms) {
            this.retireTimeoutMs = ms;
            return this;
        }

        /**
         * TX slot size in bytes (default: room for a 64 KB GSO frame with vnet headers, else 4096)
         * and slot count (default 256); count 0 opens no TX ring.
         */
        public Builder txRing(int slotSize, int slots) {
            this.txFrameSize = slotSize;
            this.txFrameCount = slots;
            this.txRing = slots > 0;
            return this;
        }

        /** Joins PACKET_FANOUT group {@code groupId} in HASH mode: each flow stays on one socket. */
        public Builder fanout(int groupId) {
            if (groupId < 0 || groupId >= 0x8000) {
                // The upper half is where doorbells make their own groups (Doorbell#fanoutGroupFor).
                throw new IllegalArgumentException("fanout group id must be 0..0x7fff: " + groupId);
            }
            this.fanoutGroup = groupId;
            return this;
        }

        /**
         * PACKET_QDISC_BYPASS: frames sent skip the qdisc layer (default on). On that path the kernel
         * does not segment GSO frames in software: a device without TSO drops them (ENOBUFS,
         * counted by {@link TxRing#framesDropped()}). Turn bypass off when sending GSO frames to
         * such a device (veth has TSO by default).
         */
        public Builder qdiscBypass(boolean on) {
            this.qdiscBypass = on;
            return this;
        }

        /** PACKET_IGNORE_OUTGOING: the ring does not see frames leaving this device (default on). */
        public Builder ignoreOutgoing(boolean on) {
            this.ignoreOutgoing = on;
            return this;
        }

        /**
         * PACKET_VNET_HDR: a virtio_net_hdr before each frame, carrying checksum state and GSO cuts
         * on RX and letting TX hand over 64 KB super-frames for the kernel to segment.
         */
        public Builder vnetHeader(boolean on) {
            this.vnetHeader = on;
            return this;
        }

        /** The classic BPF filter run on each frame before it takes ring space. */
        public Builder filter(BpfProgram program) {
            this.filter = program;
            return this;
        }

        /** How the RX ring finds frames (default RETIRE_ONLY); PEEK is self-tested at open. */
        public Builder rxMode(RxMode mode) {
            this.rxMode = Objects.requireNonNull(mode);
            return this;
        }

        /**
         * Also opens a {@link SendBatch}: frames staged in {@code stagingBytes} of plain memory (a
         * multiple of the page size, at least one frame of the largest size sent) and sent up to
         * {@code maxFrames} at a time with one {@code sendmmsg}, on a second socket of its own.
         * 0 frames: none (the default).
         */
        public Builder sendBatch(int stagingBytes, int maxFrames) {
            if (maxFrames < 0
                    || maxFrames > 1024
                    || (maxFrames > 0 && (stagingBytes <= 0 || stagingBytes % 4096 != 0))) {
                // UIO_MAXIOV: sendmmsg takes at most 1024 messages per call.
                throw new IllegalArgumentException("send batch of " + maxFrames + " frames in " + stagingBytes
                        + " bytes: frames must be 0..1024" + " and bytes a positive multiple of 4096");
            }
            this.sendBatchBytes = stagingBytes;
            this.sendBatchFrames = maxFrames;
            return this;
        }

        /** Also opens a {@link Doorbell} (only useful with PEEK). */
        public Builder doorbell(boolean on) {
            this.doorbell = on;
            return this;
        }

        public PacketSocket open() {
            return PacketSocket.open(this);
        }
    }

    private final String interfaceName;
    private final int ifindex;
    private final int fd;
    private final long macAddress;
    private final int mtu;
    private final boolean vnetHeader;
    private final Arena arena;
    private final RxRing rx;
    private final TxRing tx;
    private final SendBatch sendBatch;
    private final int sendFd;
    private final MemorySegment txMemory;
    private final Doorbell doorbell;
    private final String rxModeReason;
    private final MemorySegment callState;
    private final MemorySegment statsBuffer;
    private final MemorySegment statsLength;
    private final MemorySegment pollFds;
    private long packets;
    private long drops;
    private long freezes;
    private boolean closed;

    public static Builder builder(String interfaceName) {
        return new Builder(interfaceName);
    }

    private PacketSocket(
            Builder b,
            SocketSetup setup,
            int ifindex,
            int fd,
            Arena arena,
            MemorySegment mapping,
            Doorbell doorbell,
            RxMode mode,
            String rxModeReason,
            int txFrameSize,
            int sendFd) {
        this.interfaceName = b.interfaceName;
        this.ifindex = ifindex;
        this.fd = fd;
        this.vnetHeader = b.vnetHeader;
        this.arena = arena;
        this.doorbell = doorbell;
        this.rxModeReason = rxModeReason;
        this.macAddress = setup.hardwareAddress(fd);
        this.mtu = setup.mtu(fd);
        this.callState = Native.newCallState(arena);
        this.statsBuffer = arena.allocate(TpacketStatsV3.LAYOUT);
        this.statsLength = arena.allocate(JAVA_INT);
        this.pollFds = arena.allocate(Native.POLLFD, 1);
        long rxBytes = (long) b.blockSize * b.blockCount;
        this.rx = new RxRing(mapping.asSlice(0, rxBytes), b.blockSize, b.blockCount, mode == RxMode.PEEK);
        this.tx = b.txRing
                ? new TxRing(
                        mapping.asSlice(rxBytes, (long) txFrameSize * b.txFrameCount),
                        fd,
                        txFrameSize,
                        b.txFrameCount,
                        b.vnetHeader,
                        mtu,
                        callState)
                : null;
        long txRingBytes = b.txRing ? (long) txFrameSize * b.txFrameCount : 0;
        this.txMemory = mapping.asSlice(rxBytes);
        this.sendFd = sendFd;
        this.sendBatch = sendFd >= 0
                ? new SendBatch(
                        txMemory,
                        txRingBytes,
                        b.sendBatchBytes,
                        arena.allocate(MmsgHdr.LAYOUT, b.sendBatchFrames),
                        arena.allocate(MmsgHdr.IOVEC, b.sendBatchFrames),
                        sendFd,
                        b.sendBatchFrames,
                        b.vnetHeader,
                        mtu,
                        Native.newCallState(arena))
                : null;
    }

    private static PacketSocket open(Builder b) {
        if (b.frameSize <= 0 || b.blockSize % b.frameSize != 0) {
            throw new IllegalArgumentException(
                    "block size " + b.blockSize + " must be a multiple of frame size " + b.frameSize);
        }
        SocketSetup setup = new SocketSetup(b.interfaceName);
        int ifindex = setup.interfaceIndex();
        int txFrameSize = b.txFrameSize > 0 ? b.txFrameSize : b.vnetHeader ? 69632 : 4096;
        RxMode mode = b.rxMode;
        String reason = "requested";
        if (mode == RxMode.PEEK) {
            String failure = PeekSelfTest.run(setup, ifindex, b.vnetHeader);
            if (failure != null) {
                mode = RxMode.RETIRE_ONLY;
                reason = "PEEK self-test failed, using RETIRE_ONLY: " + failure;
            } else {
                reason = "PEEK self-test passed";
            }
        }
        Doorbell doorbell = null;
        int fd = -1;
        int sendFd = -1;
        Arena arena = Arena.ofShared();
        try {
            // Bound before the ring so the kernel offers each frame to the ring first (see Doorbell).
            if (b.doorbell && mode == RxMode.PEEK) {
                doorbell = Doorbell.open(setup, ifindex, b.filter, b.fanoutGroup);
            }
            fd = setup.openPacketSocket();
            setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_VERSION, Kernel.TPACKET_V3, "PACKET_VERSION");
            if (b.filter != null) {
                setup.attachFilter(fd, b.filter.instructions());
            }
            if (b.ignoreOutgoing) {
                setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            }
            if (b.vnetHeader) {
                setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            setup.setRing(
                    fd,
                    Kernel.PACKET_RX_RING,
                    "PACKET_RX_RING",
                    b.blockSize,
                    b.blockCount,
                    b.frameSize,
                    b.retireTimeoutMs);
            long length = (long) b.blockSize * b.blockCount;
            if (b.txRing) {
                // A TX ring is one block per slot: V3 TX slots are fixed-size frames.
                setup.setRing(fd, Kernel.PACKET_TX_RING, "PACKET_TX_RING", txFrameSize, b.txFrameCount, txFrameSize, 0);
                length += (long) txFrameSize * b.txFrameCount;
            }
            MemorySegment mapping = b.sendBatchFrames > 0
                    ? setup.mapWithStaging(fd, length, b.sendBatchBytes, arena)
                    : setup.map(fd, length, arena);
            setup.bind(fd, ifindex);
            if (b.fanoutGroup >= 0) {
                setup.setInt(
                        fd,
                        Kernel.SOL_PACKET,
                        Kernel.PACKET_FANOUT,
                        b.fanoutGroup | (Kernel.PACKET_FANOUT_HASH << 16),
                        "PACKET_FANOUT");
            }
            if (b.qdiscBypass && b.txRing) {
                setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            if (b.sendBatchFrames > 0) {
                sendFd = openSendSocket(b, setup, ifindex);
            }
            return new PacketSocket(b, setup, ifindex, fd, arena, mapping, doorbell, mode, reason, txFrameSize, sendFd);
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(sendFd);
            SocketSetup.closeQuietly(fd);
            if (doorbell != null) {
                doorbell.close();
            }
            arena.close();
            throw e;
        }
    }

    /**
     * The socket a {@link SendBatch} sends on: it has no ring (a socket with a TX ring sends every
     * message from the ring) and is bound with protocol 0, so nothing is ever queued to it.
     */
    private static int openSendSocket(Builder b, SocketSetup setup, int ifindex) {
        int fd = setup.openPacketSocket();
        try {
            if (b.vnetHeader) {
                setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_VNET_HDR, 1, "PACKET_VNET_HDR");
            }
            setup.bind(fd, ifindex, 0);
            if (b.qdiscBypass) {
                setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_QDISC_BYPASS, 1, "PACKET_QDISC_BYPASS");
            }
            return fd;
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(fd);
            throw e;
        }
    }

    public String interfaceName() {
        return interfaceName;
    }

    public int interfaceIndex() {
        return ifindex;
    }

    /** The socket's file descriptor (poll it for POLLIN: a retired RX block is waiting). */
    public int fd() {
        return fd;
    }

    /** The device's MAC address in the low 48 bits (network order). */
    public long macAddress() {
        return macAddress;
    }

    /** The device's MTU when the socket opened. */
    public int mtu() {
        return mtu;
    }

    public boolean vnetHeader() {
        return vnetHeader;
    }

    public RxRing rx() {
        return rx;
    }

    /** The TX ring; fails when the socket was opened without one. */
    public TxRing tx() {
        if (tx == null) {
            throw new IllegalStateException("opened without a TX ring");
        }
        return tx;
    }

    public boolean hasTxRing() {
        return tx != null;
    }

    /** The send batch, or null when the socket was opened without one. */
    public SendBatch sendBatch() {
        return sendBatch;
    }

    /**
     * The transmit memory: the TX ring's slots (if any) followed by the send batch's staging (if
     * any). {@link TxRing#claim} and {@link SendBatch#claim} both return offsets into it.
     */
    public MemorySegment txMemory() {
        return txMemory;
    }

    /** The doorbell, or null when none was asked for (or PEEK fell back). */
    public Doorbell doorbell() {
        return doorbell;
    }

    /** Why the RX ring runs in its mode (PEEK self-test outcome or "requested"). */
    public String rxModeReason() {
        return rxModeReason;
    }

    /** Reads PACKET_STATISTICS and returns the totals since open. */
    public RingStatistics statistics() {
        statsLength.set(JAVA_INT, 0, (int) TpacketStatsV3.LAYOUT.byteSize());
        Native.check(
                Native.getsockopt(callState, fd, Kernel.SOL_PACKET, Kernel.PACKET_STATISTICS, statsBuffer, statsLength),
                callState,
                "getsockopt(PACKET_STATISTICS)",
                interfaceName,
                null);
        packets += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3.TP_PACKETS_OFFSET));
        drops += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3.TP_DROPS_OFFSET));
        freezes += Integer.toUnsignedLong(statsBuffer.get(JAVA_INT, TpacketStatsV3.TP_FREEZE_Q_CNT_OFFSET));
        return new RingStatistics(packets, drops, freezes);
    }

    /**
     * Waits up to {@code timeoutMs} until a retired block is ready or (PEEK) a frame shows, for
     * callers without a shard loop (tools, tests). Returns whether something is ready.
     */
    public boolean awaitRx(int timeoutMs) {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!rx.hasPendingFrame()) {
            long leftMs = (deadline - System.nanoTime()) / 1_000_000L;
            if (leftMs <= 0) {
                return rx.hasPendingFrame();
            }
            pollFds.set(JAVA_INT, 0, fd);
            pollFds.set(JAVA_SHORT, 4, Kernel.POLLIN);
            pollFds.set(JAVA_SHORT, 6, (short) 0);
            // In PEEK mode a frame can show before its block retires: look again every ms.
            Native.poll(callState, pollFds, 1, rx.mode() == RxMode.PEEK ? 1 : (int) Math.min(leftMs, 100));
        }
        return true;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SocketSetup.closeQuietly(fd);
        SocketSetup.closeQuietly(sendFd);
        if (doorbell != null) {
            doorbell.close();
        }
        arena.close(); // unmaps the rings
    }

    static int blockHeaderSize() {
        return TpacketBlockDesc.FIRST_FRAME_OFFSET;
    }

    static int rxMacOffset(boolean vnet) {
        return Tpacket3Hdr.rxMacOffset(vnet);
    }
}
