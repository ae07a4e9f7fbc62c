package dev.ferry.tcp.seq;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqTest {
    @Test
    void comparesAcrossTheWrap() {
        int beforeWrap = 0xFFFF_FFF0;
        int afterWrap = 0x0000_0010;
        assertThat(Seq.lt(beforeWrap, afterWrap)).isTrue();
        assertThat(Seq.gt(afterWrap, beforeWrap)).isTrue();
        assertThat(Seq.distance(beforeWrap, afterWrap)).isEqualTo(0x20);
        assertThat(Seq.max(beforeWrap, afterWrap)).isEqualTo(afterWrap);
        assertThat(Seq.min(beforeWrap, afterWrap)).isEqualTo(beforeWrap);
    }

    @Test
    void rangesAreHalfOpenOrClosedAsNamed() {
        assertThat(Seq.inRange(5, 5, 10)).isTrue();
        assertThat(Seq.inRange(10, 5, 10)).isFalse();
        assertThat(Seq.inRange(5, 5, 5)).isFalse();
        assertThat(Seq.inClosedRange(10, 5, 10)).isTrue();
        assertThat(Seq.inRange(0x0000_0002, 0xFFFF_FFFE, 0x0000_0004)).isTrue();
    }

    @Test
    void equalNumbersAreNeitherBeforeNorAfter() {
        assertThat(Seq.lt(7, 7)).isFalse();
        assertThat(Seq.gt(7, 7)).isFalse();
        assertThat(Seq.le(7, 7)).isTrue();
        assertThat(Seq.ge(7, 7)).isTrue();
    }
}
