package dev.ferry.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MemoryLinkTest {
    private final MemoryLink a = MemoryLink.plain(0x02_00_00_00_00_01L);
    private final MemoryLink b = MemoryLink.plain(0x02_00_00_00_00_02L);

    @Test
    void framesReachThePeerOnlyAfterFlushAndInOrder() {
        MemoryLink.wire(a, b);
        send(a, new byte[] {1, 2, 3});
        send(a, new byte[] {4, 5});
        assertThat(b.pendingRx()).isZero();

        a.flushTx();

        List<byte[]> got = new ArrayList<>();
        List<RxChecksum> sums = new ArrayList<>();
        int n = b.receive(
                (memory, offset, length, checksum) -> {
                    got.add(memory.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                    sums.add(checksum);
                },
                10);
        assertThat(n).isEqualTo(2);
        assertThat(got).containsExactly(new byte[] {1, 2, 3}, new byte[] {4, 5});
        assertThat(sums).containsOnly(RxChecksum.UNKNOWN);
    }

    @Test
    void receiveHonoursTheBudget() {
        MemoryLink.wire(a, b);
        for (int i = 0; i < 5; i++) {
            send(a, new byte[] {(byte) i});
        }
        a.flushTx();
        assertThat(b.receive((m, o, l, c) -> {}, 3)).isEqualTo(3);
        assertThat(b.receive((m, o, l, c) -> {}, 3)).isEqualTo(2);
    }

    @Test
    void aFullTxRingRefusesClaimsAndCountsThem() {
        MemoryLink small = new MemoryLink(1, 1500, 1460, false, 2);
        send(small, new byte[] {1});
        send(small, new byte[] {2});
        assertThat(small.claimTx(60)).isEqualTo(-1);
        assertThat(small.txFullCount()).isEqualTo(1);
        small.flushTx();
        assertThat(small.claimTx(60)).isNotNegative();
    }

    @Test
    void offloadedFramesArriveWithPartialChecksums() {
        MemoryLink gso = new MemoryLink(1, 1500, 65000, true, 4);
        gso.connectTo(b::inject);
        long at = gso.claimTx(20000);
        gso.commitTxOffloaded(at, 20000, 34, 54, 1448, false);
        gso.flushTx();
        List<RxChecksum> sums = new ArrayList<>();
        b.receive((m, o, l, c) -> sums.add(c), 1);
        assertThat(sums).containsExactly(RxChecksum.PARTIAL);
    }

    private static void send(MemoryLink link, byte[] frame) {
        long at = link.claimTx(frame.length);
        MemorySegment.copy(frame, 0, link.txMemory(), ValueLayout.JAVA_BYTE, at, frame.length);
        link.commitTx(at, frame.length);
    }
}
