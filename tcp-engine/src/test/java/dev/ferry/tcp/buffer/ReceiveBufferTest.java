package dev.ferry.tcp.buffer;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.BitSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReceiveBufferTest {
    private final BufferPool pool = new BufferPool(256, 256, BufferPool.Memory.HEAP);
    private final byte[] stream = SendBufferTest.pattern(20_000, 9);

    @Test
    void inOrderBytesBecomeReadableAndShrinkTheWindow() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(1000);
        assertThat(buffer.write(0, segment(0, 300), 0, 300)).isEqualTo(300);
        assertThat(buffer.readable()).isEqualTo(300);
        assertThat(buffer.window()).isEqualTo(700);

        assertThat(read(buffer, 1000)).isEqualTo(SendBufferTest.slice(stream, 0, 300));
        assertThat(buffer.window()).isEqualTo(1000);
    }

    @Test
    void outOfOrderBytesWaitForTheGapAndThenJoin() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(10_000);
        assertThat(buffer.write(500, segment(500, 200), 0, 200)).isZero();
        assertThat(buffer.readable()).isZero();
        assertThat(buffer.outOfOrderRanges()).isEqualTo(1);

        // Filling the gap moves the contiguous end past the held range too.
        assertThat(buffer.write(0, segment(0, 500), 0, 500)).isEqualTo(700);
        assertThat(buffer.outOfOrderRanges()).isZero();
        assertThat(read(buffer, 700)).isEqualTo(SendBufferTest.slice(stream, 0, 700));
    }

    @Test
    void reportsSackRangesMostRecentFirstRelativeToTheContiguousEnd() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(10_000);
        buffer.write(0, segment(0, 100), 0, 100);
        buffer.write(200, segment(300, 100), 0, 100); // [300, 400)
        buffer.write(600, segment(700, 100), 0, 100); // [700, 800)
        buffer.write(400, segment(500, 50), 0, 50); // [500, 550)
        buffer.write(250, segment(350, 100), 0, 100); // extends [300, 450): newest

        int[] out = new int[8];
        int n = buffer.sackRanges(4, out);

        assertThat(n).isEqualTo(3);
        assertThat(out).startsWith(200, 350, 400, 450, 600, 700);
        assertThat(buffer.sackRanges(1, out)).isEqualTo(1);
        assertThat(out).startsWith(200, 350);
    }

    @Test
    void mergesOverlappingAndAdjacentRanges() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(10_000);
        buffer.write(100, segment(100, 100), 0, 100);
        buffer.write(300, segment(300, 100), 0, 100);
        buffer.write(200, segment(200, 100), 0, 100);
        assertThat(buffer.outOfOrderRanges()).isEqualTo(1);
        int[] out = new int[2];
        buffer.sackRanges(1, out);
        assertThat(out).containsExactly(100, 400);
    }

    @Test
    void refusesASegmentThatWouldOpenOneRangeTooMany() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(100_000);
        for (int i = 0; i < ReceiveBuffer.MAX_RANGES; i++) {
            assertThat(buffer.write(100 + i * 20, segment(0, 10), 0, 10)).isZero();
        }
        assertThat(buffer.write(5000, segment(0, 10), 0, 10)).isEqualTo(-1);
        // Extending an existing range is still fine, and so is in-order data.
        assertThat(buffer.write(110, segment(0, 5), 0, 5)).isZero();
        assertThat(buffer.write(0, segment(0, 10), 0, 10)).isEqualTo(10);
    }

    @Test
    void refusesWhatThePoolCannotHoldAndKeepsNothing() {
        BufferPool small = new BufferPool(256, 1, BufferPool.Memory.HEAP);
        ReceiveBuffer buffer = small.acquireReceiveBuffer(10_000);
        assertThat(buffer.write(300, segment(0, 10), 0, 10)).isEqualTo(-1);
        assertThat(buffer.chunks()).isZero();
        assertThat(small.chunksInUse()).isZero();
    }

    @Test
    void returnsEveryChunkOnceReadEmpty() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(10_000);
        buffer.write(0, segment(0, 1000), 0, 1000);
        assertThat(buffer.chunks()).isEqualTo(4);
        read(buffer, 600);
        assertThat(buffer.chunks()).isEqualTo(2);
        read(buffer, 400);
        assertThat(buffer.chunks()).isZero();
        assertThat(pool.chunksInUse()).isZero();
        assertThat(buffer.isEmpty()).isTrue();
    }

    @Test
    void clearDropsEverythingAndReturnsTheChunks() {
        ReceiveBuffer buffer = pool.acquireReceiveBuffer(10_000);
        buffer.write(0, segment(0, 100), 0, 100);
        buffer.write(500, segment(600, 100), 0, 100);
        buffer.clear();
        assertThat(buffer.isEmpty()).isTrue();
        assertThat(pool.chunksInUse()).isZero();
    }

    @Test
    void reassemblesAnyArrivalOrderIntoTheOriginalStream() {
        long seed = Long.getLong("ferry.test.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            ReceiveBuffer buffer = pool.acquireReceiveBuffer(4096);
            long contiguous = 0;
            long read = 0;
            BitSet held = new BitSet();
            byte[] out = new byte[stream.length];
            while (read < stream.length) {
                int window = buffer.window();
                if (window > 0 && contiguous < stream.length && random.nextInt(3) > 0) {
                    int offset = random.nextInt(Math.min(window, (int) (stream.length - contiguous)));
                    int len = 1 + random.nextInt(Math.min(window - offset, 700));
                    len = (int) Math.min(len, stream.length - contiguous - offset);
                    if (len <= 0) {
                        continue;
                    }
                    int advanced = buffer.write(offset, segment((int) contiguous + offset, len), 0, len);
                    if (advanced >= 0) {
                        held.set((int) contiguous + offset, (int) contiguous + offset + len);
                        long expectedEnd = held.nextClearBit((int) contiguous);
                        assertThat(contiguous + advanced).as("seed %d", seed).isEqualTo(expectedEnd);
                        contiguous += advanced;
                    }
                } else {
                    int n = buffer.read(MemorySegment.ofArray(out), read, random.nextInt(2000));
                    read += n;
                }
                assertThat(buffer.readable()).as("seed %d", seed).isEqualTo((int) (contiguous - read));
            }
            assertThat(out).as("seed %d", seed).isEqualTo(stream);
            assertThat(buffer.chunks()).as("seed %d", seed).isZero();
            pool.releaseReceiveBuffer(buffer);
        }
        assertThat(pool.chunksInUse()).isZero();
    }

    private MemorySegment segment(int from, int len) {
        return MemorySegment.ofArray(SendBufferTest.slice(stream, from, len));
    }

    private static byte[] read(ReceiveBuffer buffer, int max) {
        byte[] out = new byte[max];
        int n = buffer.read(MemorySegment.ofArray(out), 0, max);
        return MemorySegment.ofArray(out).asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
    }
}
