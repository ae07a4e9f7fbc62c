package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.afpacket.internal.Errno;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.testkit.ManagedProcess;
import dev.ferry.testkit.NetNs;
import dev.ferry.testkit.Tools;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorsTest {
    @Test
    void withoutCapNetRawOpeningFailsSayingSo() {
        Tools.requireRoot();
        Tools.require("setpriv");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of(
                "setpriv",
                "--inh-caps=-all",
                "--bounding-set=-net_raw",
                "--",
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                OpenProbe.class.getName(),
                "lo"));
        try (ManagedProcess child =
                ManagedProcess.builder(command).label("no-net-raw").start()) {
            assertThat(child.waitFor(Duration.ofSeconds(60)))
                    .as(child.describeTail())
                    .isEqualTo(3);
            assertThat(child.output()).contains("needs CAP_NET_RAW (run as root or grant NET_RAW)");
        }
        // The same probe with its capabilities opens the socket: the privilege was the only difference.
        List<String> withCaps = command.subList(command.indexOf("--") + 1, command.size());
        try (ManagedProcess child =
                ManagedProcess.builder(withCaps).label("with-net-raw").start()) {
            assertThat(child.waitFor(Duration.ofSeconds(60)))
                    .as(child.describeTail())
                    .isZero();
            assertThat(child.output()).contains("opened lo");
        }
    }

    @Test
    void aMissingInterfaceIsNamed() {
        try (NetNs ns = NetNs.create("noif")) {
            assertThatThrownBy(() -> ns.call(() -> PacketSocket.builder("eth9").open()))
                    .isInstanceOf(AfPacketException.class)
                    .hasMessageStartingWith("no interface eth9");
        }
    }

    @Test
    void aRingTheKernelRejectsNamesTheCallAndTheGeometry() {
        try (TwoHosts hosts = new TwoHosts("einval")) {
            // 6000 is a multiple of the frame size but not of the page size.
            assertThatThrownBy(() -> hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                            .blockSize(6000)
                            .frameSize(2000)))
                    .isInstanceOf(AfPacketException.class)
                    .hasMessageContaining("setsockopt(PACKET_RX_RING): EINVAL")
                    .hasMessageContaining("block 6000 x 16");
        }
    }

    @Test
    void errnosBecomeMessagesThatSayWhatToDo() {
        assertThat(Errno.of("setsockopt(PACKET_VNET_HDR)", Kernel.EBUSY, "veth0", null)
                        .getMessage())
                .startsWith("setsockopt(PACKET_VNET_HDR): EBUSY")
                .contains("before the ring exists");
        assertThat(Errno.of("socket(AF_PACKET, SOCK_RAW)", Kernel.EACCES, null, null)
                        .getMessage())
                .contains("needs CAP_NET_RAW");
        assertThat(Errno.of("bind", Kernel.ENXIO, "eth9", null).getMessage()).startsWith("no interface eth9");
        AfPacketException e = Errno.of("mmap", Kernel.ENOMEM, "veth0", "1 bytes");
        assertThat(e.errno()).isEqualTo(Kernel.ENOMEM);
        assertThat(e.call()).isEqualTo("mmap");
    }
}
