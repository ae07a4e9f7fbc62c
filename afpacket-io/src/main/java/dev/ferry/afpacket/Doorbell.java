package dev.ferry.afpacket;

import dev.ferry.afpacket.bpf.BpfProgram;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.MmsgHdr;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.SocketSetup;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * A wake-up signal for a PEEK ring: a second packet socket on the same device, without a ring,
 * whose filter keeps 1 byte of each matching frame in a minimal receive buffer. A TPACKET_V3 ring
 * wakes poll() only when a block retires; the doorbell's fd becomes readable on every frame, so a
 * shard can sleep in poll() on both and wake per packet at light load.
 *
 * <p>Cost: while the shard is awake the doorbell is left full and the kernel drops further
 * copies cheaply (~0.15 µs per packet); it is drained only just before sleeping (drain, look at
 * the ring once more, then poll), so no wake-up is lost. It is bound before the ring socket: the
 * kernel offers a frame to the newest tap first, so the ring has the frame before the doorbell
 * rings.
 *
 * <p>With fanout, the doorbell joins a fanout group of its own ({@link #fanoutGroupFor}) in the same
 * HASH mode: both groups pick a member by the same flow hash and, when the shards open in the same
 * order, the same index, so a shard's doorbell rings only for the flows its ring receives. (The
 * group's hook is registered by the first doorbell, before the first ring, so the ring still sees
 * each frame first.)
 *
 * <p>Confined to the shard thread.
 */
public final class Doorbell implements AutoCloseable {
    /** Rings read per recvmmsg. */
    private static final int DRAIN_BATCH = 16;

    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment messages;
    private final MemorySegment callState;
    private long rings;
    private boolean closed;

    private final SocketSetup setup;

    private Doorbell(int fd, SocketSetup setup) {
        this.fd = fd;
        this.setup = setup;
        this.buffer = arena.allocate(64);
        // Every message lands in the same byte: only their number matters.
        this.messages = arena.allocate(MmsgHdr.SIZE * DRAIN_BATCH);
        MemorySegment iovecs = arena.allocate(MmsgHdr.IOVEC_SIZE * DRAIN_BATCH);
        for (int i = 0; i < DRAIN_BATCH; i++) {
            MmsgHdr.linkIovec(messages, iovecs, i);
            MmsgHdr.setIovec(iovecs, i, buffer.address(), 1);
        }
        this.callState = Native.newCallState(arena);
    }

    /** The fanout group id a doorbell uses beside ring group {@code ringGroup} (ring groups stay below 0x8000). */
    public static int fanoutGroupFor(int ringGroup) {
        return ringGroup | 0x8000;
    }

    static Doorbell open(SocketSetup setup, int ifindex, BpfProgram ringFilter, int ringFanoutGroup) {
        int fd = setup.openPacketSocket();
        try {
            BpfProgram filter = ringFilter == null ? BpfProgram.acceptAll(1) : ringFilter.withAcceptLength(1);
            setup.attachFilter(fd, filter.instructions());
            // The kernel raises a tiny buffer to its minimum (a couple of frames): enough to ring.
            setup.setInt(fd, Kernel.SOL_SOCKET, Kernel.SO_RCVBUF, 1, "SO_RCVBUF");
            setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            setup.bind(fd, ifindex);
            if (ringFanoutGroup >= 0) {
                setup.setInt(
                        fd,
                        Kernel.SOL_PACKET,
                        Kernel.PACKET_FANOUT,
                        fanoutGroupFor(ringFanoutGroup) | (Kernel.PACKET_FANOUT_HASH << 16),
                        "PACKET_FANOUT");
            }
            return new Doorbell(fd, setup);
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(fd);
            throw e;
        }
    }

    /** The fd to poll for POLLIN. */
    public int fd() {
        return fd;
    }

    /**
     * Empties the doorbell; returns how many rings it held. One system call in the common case: its
     * minimal buffer holds fewer rings than a batch.
     */
    public int drain() {
        int n = 0;
        int got;
        while ((got = Native.recvmmsg(callState, fd, messages, DRAIN_BATCH, Kernel.MSG_DONTWAIT)) > 0) {
            n += got;
            if (got < DRAIN_BATCH) {
                break;
            }
        }
        rings += n;
        return n;
    }

    /**
     * Frames the kernel offered this doorbell since the last call (PACKET_STATISTICS; kept or
     * dropped for a full buffer alike). Slow path: for tests and diagnostics.
     */
    public long framesOffered() {
        return Integer.toUnsignedLong(
                setup.getInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_STATISTICS, "PACKET_STATISTICS"));
    }

    /** Rings drained so far. */
    public long rings() {
        return rings;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        SocketSetup.closeQuietly(fd);
        arena.close();
    }
}
