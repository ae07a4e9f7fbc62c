package dev.ferry.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpOptionsTest {
    private final MemorySegment buffer = MemorySegment.ofArray(new byte[64]);

    private String written(TcpOptions options) {
        int length = options.write(buffer, 0);
        assertThat(length).isEqualTo(options.encodedLength());
        assertThat(length % 4).isZero();
        assertThat(length).isLessThanOrEqualTo(TcpOptions.MAX_LENGTH);
        return HexFormat.of().formatHex(buffer.asSlice(0, length).toArray(ValueLayout.JAVA_BYTE));
    }

    @Test
    void synOptionSetInLinuxLayout() {
        TcpOptions syn =
                new TcpOptions().mss(1460).sackPermitted(true).timestamps(1, 0).windowScale(7);
        // MSS | SACK-permitted, TS | NOP, WS
        assertThat(written(syn)).isEqualTo("020405b4" + "0402" + "080a0000000100000000" + "01030307");
    }

    @Test
    void eachOptionAlonePadsTo32Bits() {
        assertThat(written(new TcpOptions().mss(536))).isEqualTo("02040218");
        assertThat(written(new TcpOptions().windowScale(14))).isEqualTo("0103030e");
        assertThat(written(new TcpOptions().sackPermitted(true))).isEqualTo("01010402");
        assertThat(written(new TcpOptions().timestamps(-1, 2))).isEqualTo("0101080affffffff00000002");
        assertThat(written(new TcpOptions())).isEmpty();
    }

    @Test
    void dataOptionSetWithTimestampsAndSackBlocks() {
        TcpOptions data = new TcpOptions().timestamps(100, 200);
        data.addSackBlock(10, 20);
        data.addSackBlock(30, 40);
        data.addSackBlock(50, 60);
        assertThat(written(data))
                .isEqualTo("0101080a00000064000000c8" + "0101051a" + "0000000a00000014" + "0000001e00000028"
                        + "000000320000003c");
    }

    @Test
    void sackBlocksThatDoNotFitAreLeftOutLatestFirstKept() {
        TcpOptions data = new TcpOptions().timestamps(1, 2);
        for (int i = 0; i < 4; i++) {
            assertThat(data.addSackBlock(i * 100, i * 100 + 10)).isTrue();
        }
        assertThat(data.addSackBlock(1, 2)).isFalse();
        assertThat(data.sackBlocksThatFit()).isEqualTo(3);
        assertThat(data.encodedLength()).isEqualTo(40);
        data.noTimestamps();
        assertThat(data.sackBlocksThatFit()).isEqualTo(4);
        assertThat(data.encodedLength()).isEqualTo(36);
    }

    @Test
    void unusualCombinationsArePackedSoWhatWasParsedCanBeWrittenAgain() {
        TcpOptions crowded = new TcpOptions().mss(1000).timestamps(5, 6);
        crowded.addSackBlock(1, 2);
        crowded.addSackBlock(3, 4);
        crowded.addSackBlock(5, 6);
        assertThat(crowded.encodedLength()).isEqualTo(40);
        assertThat(written(crowded))
                .isEqualTo("020403e8" + "080a0000000500000006" + "051a" + "0000000100000002" + "0000000300000004"
                        + "0000000500000006");
        TcpOptions back = new TcpOptions();
        assertThat(back.parse(buffer, 0, 40)).isEqualTo(Malformed.NONE);
        assertThat(back.toString()).isEqualTo(crowded.toString());
    }

    @Test
    void writtenOptionsParseBack() {
        TcpOptions sent =
                new TcpOptions().mss(9000).sackPermitted(true).windowScale(3).timestamps(7, 8);
        int length = sent.write(buffer, 0);
        TcpOptions got = new TcpOptions();
        assertThat(got.parse(buffer, 0, length)).isEqualTo(Malformed.NONE);
        assertThat(got.mss()).isEqualTo(9000);
        assertThat(got.sackPermitted()).isTrue();
        assertThat(got.windowScale()).isEqualTo(3);
        assertThat(got.tsVal()).isEqualTo(7);
        assertThat(got.tsEcr()).isEqualTo(8);
        assertThat(got.sackBlockCount()).isZero();
    }

    @Test
    void parseForgetsThePreviousSegment() {
        TcpOptions holder =
                new TcpOptions().mss(1).windowScale(2).sackPermitted(true).timestamps(3, 4);
        holder.addSackBlock(5, 6);
        assertThat(holder.parse(buffer, 0, 0)).isEqualTo(Malformed.NONE);
        assertThat(holder.hasMss()).isFalse();
        assertThat(holder.hasWindowScale()).isFalse();
        assertThat(holder.sackPermitted()).isFalse();
        assertThat(holder.hasTimestamps()).isFalse();
        assertThat(holder.sackBlockCount()).isZero();
    }

    @Test
    void readableForm() {
        TcpOptions o =
                new TcpOptions().mss(1460).sackPermitted(true).timestamps(-1, 0).windowScale(7);
        o.addSackBlock(1, 2);
        assertThat(o).hasToString("<mss 1460,sackOK,TS val 4294967295 ecr 0,wscale 7,sack 1 {1:2}>");
    }

    @Test
    void theTimestampsOnlyShortcutMatchesTheGeneralWalk() {
        TcpOptions aligned = new TcpOptions();
        int length = new TcpOptions().timestamps(0xdeadbeef, 7).write(buffer, 0);
        assertThat(length).isEqualTo(12);
        assertThat(aligned.parse(buffer, 0, 12)).isEqualTo(Malformed.NONE);
        // The same option list padded differently (TS, then NOP NOP) takes the general walk.
        MemorySegment other = MemorySegment.ofArray(HexFormat.of().parseHex("080adeadbeef000000070101"));
        TcpOptions general = new TcpOptions();
        assertThat(general.parse(other, 0, 12)).isEqualTo(Malformed.NONE);
        assertThat(aligned).hasToString(general.toString()).hasToString("<TS val 3735928559 ecr 7>");
        // A shortcut must not hide a malformed list: NOP NOP TS is only taken when it is all there is.
        MemorySegment longer = MemorySegment.ofArray(HexFormat.of().parseHex("0101080a0000000100000002" + "0201"));
        assertThat(new TcpOptions().parse(longer, 0, 14)).isEqualTo(Malformed.BAD_OPTION_LENGTH);
    }
}
