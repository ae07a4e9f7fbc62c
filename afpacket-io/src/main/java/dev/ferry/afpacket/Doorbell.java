package dev.ferry.afpacket;

import dev.ferry.afpacket.bpf.BpfProgram;
import dev.ferry.afpacket.internal.Kernel;
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
 * <p>Confined to the shard thread.
 */
public final class Doorbell implements AutoCloseable {
    private final int fd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final MemorySegment callState;
    private long rings;
    private boolean closed;

    private Doorbell(int fd) {
        this.fd = fd;
        this.buffer = arena.allocate(64);
        this.callState = Native.newCallState(arena);
    }

    static Doorbell open(SocketSetup setup, int ifindex, BpfProgram ringFilter) {
        int fd = setup.openPacketSocket();
        try {
            BpfProgram filter = ringFilter == null ? BpfProgram.acceptAll(1) : ringFilter.withAcceptLength(1);
            setup.attachFilter(fd, filter.instructions());
            // The kernel raises a tiny buffer to its minimum (a couple of frames): enough to ring.
            setup.setInt(fd, Kernel.SOL_SOCKET, Kernel.SO_RCVBUF, 1, "SO_RCVBUF");
            setup.setInt(fd, Kernel.SOL_PACKET, Kernel.PACKET_IGNORE_OUTGOING, 1, "PACKET_IGNORE_OUTGOING");
            setup.bind(fd, ifindex);
            return new Doorbell(fd);
        } catch (RuntimeException e) {
            SocketSetup.closeQuietly(fd);
            throw e;
        }
    }

    /** The fd to poll for POLLIN. */
    public int fd() {
        return fd;
    }

    /** Empties the doorbell; returns how many rings it held. */
    public int drain() {
        int n = 0;
        while (Native.recv(callState, fd, buffer, buffer.byteSize(), Kernel.MSG_DONTWAIT) >= 0) {
            n++;
        }
        rings += n;
        return n;
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
