package dev.ferry.tcp.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SendBufferTest {
    private final BufferPool pool = new BufferPool(256, 64, BufferPool.Memory.HEAP);

    @Test
    void holdsBytesUntilReleasedAndCopiesAnyRange() {
        SendBuffer buffer = pool.acquireSendBuffer(10_000);
        byte[] data = pattern(1000, 1);
        assertThat(buffer.append(MemorySegment.ofArray(data), 0, 1000)).isEqualTo(1000);
        assertThat(buffer.length()).isEqualTo(1000);
        assertThat(buffer.chunks()).isEqualTo(4);

        assertThat(copy(buffer, 250, 300)).isEqualTo(slice(data, 250, 300));
        buffer.release(600);
        assertThat(buffer.length()).isEqualTo(400);
        assertThat(copy(buffer, 0, 400)).isEqualTo(slice(data, 600, 400));
        // The first two chunks held only released bytes.
        assertThat(buffer.chunks()).isEqualTo(2);
    }

    @Test
    void returnsEveryChunkWhenEmpty() {
        SendBuffer buffer = pool.acquireSendBuffer(10_000);
        buffer.append(MemorySegment.ofArray(pattern(700, 2)), 0, 700);
        assertThat(pool.chunksInUse()).isEqualTo(3);

        buffer.release(700);

        assertThat(buffer.isEmpty()).isTrue();
        assertThat(buffer.chunks()).isZero();
        assertThat(pool.chunksInUse()).isZero();
    }

    @Test
    void acceptsOnlyUpToItsLimit() {
        SendBuffer buffer = pool.acquireSendBuffer(300);
        assertThat(buffer.append(MemorySegment.ofArray(pattern(500, 3)), 0, 500))
                .isEqualTo(300);
        assertThat(buffer.space()).isZero();
        buffer.release(100);
        assertThat(buffer.space()).isEqualTo(100);
    }

    @Test
    void acceptsOnlyWhatThePoolCanHold() {
        BufferPool small = new BufferPool(256, 2, BufferPool.Memory.HEAP);
        SendBuffer buffer = small.acquireSendBuffer(10_000);
        assertThat(buffer.append(MemorySegment.ofArray(pattern(1000, 4)), 0, 1000))
                .isEqualTo(512);
        assertThat(small.exhaustedCount()).isEqualTo(1);
    }

    @Test
    void rejectsRangesOutsideTheHeldBytes() {
        SendBuffer buffer = pool.acquireSendBuffer(1000);
        buffer.append(MemorySegment.ofArray(pattern(100, 5)), 0, 100);
        MemorySegment dst = MemorySegment.ofArray(new byte[200]);
        assertThatThrownBy(() -> buffer.copyTo(50, 51, dst, 0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> buffer.release(101)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void behavesLikeAQueueUnderRandomAppendsCopiesAndReleases() {
        long seed = Long.getLong("ferry.test.seed", System.nanoTime());
        Random random = new Random(seed);
        SendBuffer buffer = pool.acquireSendBuffer(5000);
        long appended = 0;
        long released = 0;
        for (int step = 0; step < 20_000; step++) {
            int op = random.nextInt(3);
            if (op == 0) {
                int len = random.nextInt(1500);
                byte[] data = new byte[len];
                for (int i = 0; i < len; i++) {
                    data[i] = streamByte(appended + i);
                }
                appended += buffer.append(MemorySegment.ofArray(data), 0, len);
            } else if (op == 1 && buffer.length() > 0) {
                int offset = random.nextInt(buffer.length());
                int len = random.nextInt(buffer.length() - offset + 1);
                byte[] got = copy(buffer, offset, len);
                for (int i = 0; i < len; i++) {
                    if (got[i] != streamByte(released + offset + i)) {
                        throw new AssertionError("byte " + (released + offset + i) + " wrong; seed " + seed);
                    }
                }
            } else if (buffer.length() > 0) {
                int n = random.nextInt(buffer.length() + 1);
                buffer.release(n);
                released += n;
            }
            assertThat(buffer.length()).as("seed %d", seed).isEqualTo((int) (appended - released));
        }
    }

    static byte streamByte(long position) {
        return (byte) (position * 31 + (position >>> 8));
    }

    static byte[] pattern(int len, int salt) {
        byte[] data = new byte[len];
        for (int i = 0; i < len; i++) {
            data[i] = (byte) (i * 7 + salt);
        }
        return data;
    }

    static byte[] slice(byte[] data, int offset, int len) {
        byte[] out = new byte[len];
        System.arraycopy(data, offset, out, 0, len);
        return out;
    }

    private static byte[] copy(SendBuffer buffer, int offset, int len) {
        MemorySegment dst = MemorySegment.ofArray(new byte[len + 3]);
        buffer.copyTo(offset, len, dst, 3);
        return dst.asSlice(3, len).toArray(ValueLayout.JAVA_BYTE);
    }
}
