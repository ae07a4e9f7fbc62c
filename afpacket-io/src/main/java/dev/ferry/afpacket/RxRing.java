package dev.ferry.afpacket;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.Tpacket3Hdr;
import dev.ferry.afpacket.internal.TpacketBlockDesc;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

/**
 * The receive side of a TPACKET_V3 ring: a sequence of blocks the kernel fills with frames and
 * hands over by setting {@code block_status} to TP_STATUS_USER; the reader walks the frames in
 * place and hands the block back by storing TP_STATUS_KERNEL.
 *
 * <p>Memory ordering: the kernel publishes a block (and, within an open block, a frame) by
 * writing its data first and its status word last. The status words are therefore read with
 * acquire semantics, so no later read of frame bytes can be satisfied before the status read;
 * and a block is handed back with a release store, so all our reads (and the zeroing in PEEK mode)
 * are complete before the kernel may reuse the block.
 *
 * <p>In {@link RxMode#PEEK} the reader also walks the block the kernel is still filling. The rules
 * that make this sound (measured on x86-64, see FACTS.md): a frame is taken only when its status
 * has TP_STATUS_USER and each header field we use ({@code tp_snaplen}, {@code tp_mac}, {@code
 * tp_net}, all written by the kernel after the status) is non-zero; a block is left only when it is retired and every frame it counts has
 * been seen; and every block is zeroed beyond its header before it is handed back, so stale bytes
 * of an earlier round can never look like a status word.
 *
 * <p>Confined to one thread (the shard thread).
 */
public final class RxRing {
    private static final VarHandle INT = JAVA_INT.varHandle();
    /** No frame can start this close to the end of a block (the kernel's own rule). */
    private static final int BLOCK_TAIL_GUARD = 64;

    private final MemorySegment memory;
    private final int blockSize;
    private final int blockCount;
    private final boolean peek;

    private int block;
    private long frameOffset = TpacketBlockDesc.FIRST_FRAME_OFFSET;
    private int framesSeen;

    private long framesRead;
    private long framesReadEarly;
    private long blocksReleased;
    private long blocksTimedOut;
    private long desyncs;
    private long incomplete;

    RxRing(MemorySegment memory, int blockSize, int blockCount, boolean peek) {
        this.memory = memory;
        this.blockSize = blockSize;
        this.blockCount = blockCount;
        this.peek = peek;
    }

    /**
     * A reader over {@code memory} laid out as the kernel lays out a V3 RX ring ({@code blockCount}
     * blocks of {@code blockSize} bytes), for benchmarks and tests that build blocks themselves.
     * Sockets make their own ring ({@link PacketSocket#rx()}).
     */
    public static RxRing over(MemorySegment memory, int blockSize, int blockCount, RxMode mode) {
        if (memory.byteSize() < (long) blockSize * blockCount) {
            throw new IllegalArgumentException("memory smaller than " + blockCount + " blocks of " + blockSize);
        }
        return new RxRing(memory, blockSize, blockCount, mode == RxMode.PEEK);
    }

    /** The ring memory (every block); frame offsets handed to handlers point into it. */
    public MemorySegment memory() {
        return memory;
    }

    public RxMode mode() {
        return peek ? RxMode.PEEK : RxMode.RETIRE_ONLY;
    }

    public int blockSize() {
        return blockSize;
    }

    public int blockCount() {
        return blockCount;
    }

    /**
     * Hands up to {@code maxFrames} received frames to {@code handler}, releasing every block it
     * finishes. Never blocks; returns the number of frames handed over.
     */
    public int drain(RxFrameHandler handler, int maxFrames) {
        int handed = 0;
        blocks:
        while (handed < maxFrames) {
            long base = (long) block * blockSize;
            int blockStatus = (int) INT.getAcquire(memory, base + TpacketBlockDesc.BLOCK_STATUS_OFFSET);
            boolean retired = (blockStatus & Kernel.TP_STATUS_USER) != 0;
            if (!retired && !peek) {
                return handed;
            }
            int count = Integer.MAX_VALUE;
            if (retired) {
                count = memory.get(JAVA_INT, base + TpacketBlockDesc.NUM_PKTS_OFFSET);
                if (framesSeen == 0) {
                    frameOffset = memory.get(JAVA_INT, base + TpacketBlockDesc.OFFSET_TO_FIRST_PKT_OFFSET);
                }
            }
            // The frames of this block, without re-reading its header for each one.
            boolean lost = false;
            while (handed < maxFrames && framesSeen < count) {
                int room = retired ? Tpacket3Hdr.HDRLEN : BLOCK_TAIL_GUARD;
                if (frameOffset < TpacketBlockDesc.FIRST_FRAME_OFFSET || frameOffset + room > blockSize) {
                    if (!retired) {
                        // The open block holds no further frame. If it retired meanwhile, hand it
                        // back now; otherwise wait for it to retire.
                        int now = (int) INT.getAcquire(memory, base + TpacketBlockDesc.BLOCK_STATUS_OFFSET);
                        if ((now & Kernel.TP_STATUS_USER) != 0) {
                            continue blocks;
                        }
                        return handed;
                    }
                    // The block counts more frames than its chain leads to: never expected, but a
                    // reader must not walk off the block. Count it and move on.
                    desyncs++;
                    lost = true;
                    break;
                }
                long frame = base + frameOffset;
                int status = (int) INT.getAcquire(memory, frame + Tpacket3Hdr.TP_STATUS_OFFSET);
                if ((status & Kernel.TP_STATUS_USER) == 0) {
                    return handed;
                }
                // The kernel stores tp_snaplen, tp_mac and tp_net after the status, in an order the
                // compiler chooses: each is 0 (the block was zeroed) until its own store lands, so
                // the frame is complete when all three are non-zero.
                int snaplen = memory.get(JAVA_INT, frame + Tpacket3Hdr.TP_SNAPLEN_OFFSET);
                int mac = Short.toUnsignedInt(memory.get(JAVA_SHORT, frame + Tpacket3Hdr.TP_MAC_OFFSET));
                int net = Short.toUnsignedInt(memory.get(JAVA_SHORT, frame + Tpacket3Hdr.TP_NET_OFFSET));
                if (snaplen == 0 || mac == 0 || net == 0) {
                    incomplete++;
                    return handed;
                }
                int next = memory.get(JAVA_INT, frame + Tpacket3Hdr.TP_NEXT_OFFSET_OFFSET);
                framesSeen++;
                framesRead++;
                if (!retired) {
                    framesReadEarly++;
                }
                // 0 marks the block's last frame; the block must then retire before we go on.
                frameOffset = next == 0 ? -1 : frameOffset + next;
                handler.onFrame(memory, frame + mac, snaplen, status);
                handed++;
            }
            if (retired && (framesSeen >= count || lost)) {
                release(base, blockStatus);
            }
        }
        return handed;
    }

    /**
     * Whether a frame is visible that {@link #drain} has not handed over yet (a retired block, or
     * in PEEK mode a frame whose status is already set). The shard loop checks this just before it
     * sleeps.
     */
    public boolean hasPendingFrame() {
        long base = (long) block * blockSize;
        int blockStatus = (int) INT.getAcquire(memory, base + TpacketBlockDesc.BLOCK_STATUS_OFFSET);
        if ((blockStatus & Kernel.TP_STATUS_USER) != 0) {
            return true;
        }
        if (!peek || frameOffset < 0 || frameOffset + BLOCK_TAIL_GUARD > blockSize) {
            return false;
        }
        int status = (int) INT.getAcquire(memory, base + frameOffset + Tpacket3Hdr.TP_STATUS_OFFSET);
        return (status & Kernel.TP_STATUS_USER) != 0;
    }

    private void release(long base, int blockStatus) {
        if ((blockStatus & Kernel.TP_STATUS_BLK_TMO) != 0) {
            blocksTimedOut++;
        }
        if (peek) {
            // Stale frames must not look like fresh status words when the kernel refills the block.
            int used = memory.get(JAVA_INT, base + TpacketBlockDesc.BLK_LEN_OFFSET);
            int end = Math.min(blockSize, Math.max(used, TpacketBlockDesc.FIRST_FRAME_OFFSET));
            memory.asSlice(base + TpacketBlockDesc.FIRST_FRAME_OFFSET, end - TpacketBlockDesc.FIRST_FRAME_OFFSET)
                    .fill((byte) 0);
        }
        INT.setRelease(memory, base + TpacketBlockDesc.BLOCK_STATUS_OFFSET, Kernel.TP_STATUS_KERNEL);
        blocksReleased++;
        block = block + 1 == blockCount ? 0 : block + 1;
        frameOffset = TpacketBlockDesc.FIRST_FRAME_OFFSET;
        framesSeen = 0;
    }

    /** Frames handed to handlers so far. */
    public long framesRead() {
        return framesRead;
    }

    /** Of {@link #framesRead()}, those read from a block the kernel was still filling (PEEK). */
    public long framesReadEarly() {
        return framesReadEarly;
    }

    /** Blocks handed back to the kernel. */
    public long blocksReleased() {
        return blocksReleased;
    }

    /** Of {@link #blocksReleased()}, those the kernel retired by timeout rather than when full. */
    public long blocksTimedOut() {
        return blocksTimedOut;
    }

    /** Blocks abandoned because their frame chain did not match their frame count (expected 0). */
    public long desyncs() {
        return desyncs;
    }

    /**
     * Times a frame's status was set but its header fields were not yet all written, so the reader
     * came back later (PEEK only; a handful per million frames).
     */
    public long incompleteFrames() {
        return incomplete;
    }
}
