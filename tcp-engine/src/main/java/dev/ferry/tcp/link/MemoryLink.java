package dev.ferry.tcp.link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.Objects;

/**
 * A {@link Link} in heap memory, for tests and simulations: frames committed and flushed are
 * copied out to a {@link Sink} (a peer link, or a simulated network that drops, duplicates,
 * reorders and corrupts), and frames {@linkplain #inject injected} wait until {@link #receive}.
 *
 * <p>Offloaded frames leave as they are (one super-frame, partial checksum) and arrive at the peer
 * as {@link RxChecksum#PARTIAL}, which is what a veth pair does with GSO traffic. This class
 * allocates per frame; it is a test link, not a data path.
 */
public final class MemoryLink implements Link {
    /** Where flushed frames go. The array is a fresh copy the sink may keep. */
    @FunctionalInterface
    public interface Sink {
        void accept(byte[] frame, RxChecksum checksum);
    }

    private record Pending(byte[] frame, RxChecksum checksum) {}

    private final long macAddress;
    private final int mtu;
    private final int maxTxPayload;
    private final boolean offload;
    private final int slotSize;
    private final int slots;
    private final MemorySegment txMemory;
    private final long[] committedOffsets;
    private final int[] committedLengths;
    private final RxChecksum[] committedChecksums;
    private final ArrayDeque<Pending> received = new ArrayDeque<>();
    private final MemorySegment rxScratch;
    private int nextSlot;
    private int committed;
    private long txFullCount;
    private Sink sink = (frame, checksum) -> {};

    /**
     * @param macAddress   this link's MAC in the low 48 bits
     * @param mtu          IP MTU
     * @param maxTxPayload largest TCP payload per frame (above the MSS only with offload)
     * @param offload      whether {@link #commitTxOffloaded} is allowed
     * @param slots        TX frames that can be queued between flushes
     */
    public MemoryLink(long macAddress, int mtu, int maxTxPayload, boolean offload, int slots) {
        this.macAddress = macAddress;
        this.mtu = mtu;
        this.maxTxPayload = maxTxPayload;
        this.offload = offload;
        this.slots = slots;
        // Room for the largest frame the engine may build: headers (Ethernet+VLAN, IPv6, TCP with
        // options) plus the payload.
        this.slotSize = Math.max(mtu, maxTxPayload + 60) + 18 + 40;
        this.txMemory = Arena.ofAuto().allocate((long) slotSize * slots, 8);
        this.committedOffsets = new long[slots];
        this.committedLengths = new int[slots];
        this.committedChecksums = new RxChecksum[slots];
        this.rxScratch = Arena.ofAuto().allocate(slotSize, 8);
    }

    /** A link with a 1500-byte MTU, no offload and 256 TX slots. */
    public static MemoryLink plain(long macAddress) {
        return new MemoryLink(macAddress, 1500, 1460, false, 256);
    }

    /** Sends flushed frames to {@code sink}. */
    public void connectTo(Sink sink) {
        this.sink = Objects.requireNonNull(sink);
    }

    /** Connects two links back to back with no impairment. */
    public static void wire(MemoryLink a, MemoryLink b) {
        a.connectTo(b::inject);
        b.connectTo(a::inject);
    }

    /** Queues a frame for the next {@link #receive}. */
    public void inject(byte[] frame, RxChecksum checksum) {
        received.addLast(new Pending(frame, checksum));
    }

    /** Frames waiting to be received. */
    public int pendingRx() {
        return received.size();
    }

    /** How many times {@link #claimTx} found no free slot. */
    public long txFullCount() {
        return txFullCount;
    }

    @Override
    public long macAddress() {
        return macAddress;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public int maxTxPayload() {
        return maxTxPayload;
    }

    @Override
    public boolean txOffload() {
        return offload;
    }

    @Override
    public int receive(FrameReceiver receiver, int budget) {
        int handed = 0;
        while (handed < budget && !received.isEmpty()) {
            Pending p = received.pollFirst();
            MemorySegment memory = p.frame.length <= rxScratch.byteSize()
                    ? rxScratch.copyFrom(MemorySegment.ofArray(p.frame))
                    : MemorySegment.ofArray(p.frame.clone());
            receiver.onFrame(memory, 0, p.frame.length, p.checksum);
            handed++;
        }
        return handed;
    }

    @Override
    public MemorySegment txMemory() {
        return txMemory;
    }

    @Override
    public long claimTx(int maxLength) {
        if (maxLength > slotSize) {
            throw new IllegalArgumentException("frame of " + maxLength + " bytes exceeds slot of " + slotSize);
        }
        if (nextSlot == slots) {
            txFullCount++;
            return -1;
        }
        return (long) nextSlot * slotSize;
    }

    @Override
    public void commitTx(long offset, int length) {
        queue(offset, length, RxChecksum.UNKNOWN);
    }

    @Override
    public void commitTxOffloaded(
            long offset, int length, int l4Offset, int headerLength, int segmentSize, boolean ipv6) {
        if (!offload) {
            throw new IllegalStateException("this link has no transmit offload");
        }
        queue(offset, length, RxChecksum.PARTIAL);
    }

    private void queue(long offset, int length, RxChecksum checksum) {
        if (offset != (long) nextSlot * slotSize) {
            throw new IllegalStateException("commit of offset " + offset + " that was not the last claim");
        }
        committedOffsets[committed] = offset;
        committedLengths[committed] = length;
        committedChecksums[committed] = checksum;
        committed++;
        nextSlot++;
    }

    @Override
    public void flushTx() {
        for (int i = 0; i < committed; i++) {
            byte[] frame =
                    txMemory.asSlice(committedOffsets[i], committedLengths[i]).toArray(ValueLayout.JAVA_BYTE);
            sink.accept(frame, committedChecksums[i]);
        }
        committed = 0;
        nextSlot = 0;
    }
}
