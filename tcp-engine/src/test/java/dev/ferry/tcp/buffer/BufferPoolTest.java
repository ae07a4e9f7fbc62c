package dev.ferry.tcp.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

class BufferPoolTest {
    @Test
    void reusesReleasedChunksBeforeCreatingNewOnes() {
        BufferPool pool = new BufferPool(1024, 4, BufferPool.Memory.HEAP);
        MemorySegment a = pool.acquireChunk();
        pool.releaseChunk(a);
        MemorySegment b = pool.acquireChunk();

        assertThat(b).isSameAs(a);
        assertThat(pool.chunksCreated()).isEqualTo(1);
        assertThat(pool.chunksInUse()).isEqualTo(1);
    }

    @Test
    void afterABurstOnlyTheFreeAllowanceStaysAndTheBudgetIsFreeAgain() {
        BufferPool pool = new BufferPool(1024, 10, 3, BufferPool.Memory.HEAP);
        MemorySegment[] burst = new MemorySegment[10];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = pool.acquireChunk();
        }
        assertThat(pool.acquireChunk()).as("budget spent").isNull();
        for (MemorySegment chunk : burst) {
            pool.releaseChunk(chunk);
        }

        assertThat(pool.chunksInUse()).isZero();
        assertThat(pool.chunksCreated()).as("kept for reuse").isEqualTo(3);
        for (int i = 0; i < 10; i++) {
            assertThat(pool.acquireChunk()).as("acquire %d after the burst", i).isNotNull();
        }
    }

    @Test
    void refusesAndCountsAcquiresBeyondTheBudget() {
        BufferPool pool = new BufferPool(1024, 2, BufferPool.Memory.NATIVE);
        assertThat(pool.acquireChunk()).isNotNull();
        MemorySegment second = pool.acquireChunk();
        assertThat(second.byteSize()).isEqualTo(1024);
        assertThat(second.isNative()).isTrue();

        assertThat(pool.acquireChunk()).isNull();
        assertThat(pool.exhaustedCount()).isEqualTo(1);

        pool.releaseChunk(second);
        assertThat(pool.acquireChunk()).isSameAs(second);
    }

    @Test
    void heapChunksAreHeapSegments() {
        BufferPool pool = new BufferPool(256, 1, BufferPool.Memory.HEAP);
        assertThat(pool.acquireChunk().isNative()).isFalse();
    }

    @Test
    void rejectsChunkSizesThatAreNotPowersOfTwo() {
        assertThatThrownBy(() -> new BufferPool(1000, 1, BufferPool.Memory.HEAP))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BufferPool(128, 1, BufferPool.Memory.HEAP))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void buffersComeBackEmptyAndAreReused() {
        BufferPool pool = new BufferPool(256, 8, BufferPool.Memory.HEAP);
        SendBuffer send = pool.acquireSendBuffer(100);
        pool.releaseSendBuffer(send);
        assertThat(pool.acquireSendBuffer(200)).isSameAs(send);
        assertThat(send.limit()).isEqualTo(200);

        ReceiveBuffer receive = pool.acquireReceiveBuffer(100);
        pool.releaseReceiveBuffer(receive);
        assertThat(pool.acquireReceiveBuffer(300)).isSameAs(receive);
        assertThat(receive.limit()).isEqualTo(300);
    }

    @Test
    void refusesToTakeBackABufferThatStillHoldsBytes() {
        BufferPool pool = new BufferPool(256, 8, BufferPool.Memory.HEAP);
        SendBuffer send = pool.acquireSendBuffer(100);
        send.append(MemorySegment.ofArray(new byte[10]), 0, 10);

        assertThatThrownBy(() -> pool.releaseSendBuffer(send)).isInstanceOf(IllegalStateException.class);
    }
}
