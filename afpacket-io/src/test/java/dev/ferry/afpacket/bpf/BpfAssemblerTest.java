package dev.ferry.afpacket.bpf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BpfAssemblerTest {
    @Test
    void labelsResolveToForwardOffsets() {
        BpfProgram p = new BpfAssembler()
                .loadHalf(12)
                .jumpIfEqual(0x0800, "yes", "no")
                .label("yes")
                .ret(0x40000)
                .label("no")
                .ret(0)
                .assemble();
        // Same words as `tcpdump -dd ip` prints.
        assertThat(p.toString())
                .isEqualTo(String.format(
                        "{ 0x28, 0, 0, 0x0000000c },%n{ 0x15, 0, 1, 0x00000800 },%n{ 0x06, 0, 0, 0x00040000 },%n"
                                + "{ 0x06, 0, 0, 0x00000000 },%n"));
    }

    @Test
    void aDoorbellVariantKeepsOneByteWhereTheFilterKeptAny() {
        BpfProgram p = TcpFilter.builder().localPorts(80).build().withAcceptLength(1);
        assertThat(p.toString())
                .contains("{ 0x06, 0, 0, 0x00000001 }")
                .contains("{ 0x06, 0, 0, 0x00000000 }")
                .doesNotContain("0x00040000");
    }

    @Test
    void badProgramsAreRefused() {
        assertThatThrownBy(() ->
                        new BpfAssembler().jumpIfEqual(1, "nowhere", "nowhere").assemble())
                .hasMessageContaining("undefined label nowhere");
        assertThatThrownBy(() -> new BpfAssembler().label("x").label("x")).hasMessageContaining("defined twice");
        int[] ports = new int[300];
        for (int i = 0; i < ports.length; i++) {
            ports[i] = i + 1;
        }
        assertThatThrownBy(() -> TcpFilter.builder().localPorts(ports).build())
                .hasMessageContaining("too many ports or addresses");
        assertThatThrownBy(() -> TcpFilter.builder().localPorts(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
