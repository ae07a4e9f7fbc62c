package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.afpacket.nft.NftSilencer;
import dev.ferry.testkit.Tools;
import java.util.List;
import org.junit.jupiter.api.Test;

class NftSilencerTest {
    @Test
    void theSilencerStopsTheKernelsResetWhileTheRingStillSeesTheSyn() {
        Tools.require("nft", "/usr/bin/python3");
        try (TwoHosts hosts = new TwoHosts("silence");
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .filter(TcpFilter.builder().localPorts(8080).build()))) {
            assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("refused");

            try (NftSilencer silencer = NftSilencer.builder()
                    .ports(8080)
                    .command(hosts.local.command("nft"))
                    .install()) {
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("timeout");
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V6, 8080)).isEqualTo("timeout");
                assertThat(silencer.dropped()).isGreaterThanOrEqualTo(2);
                List<Await.Frame> frames = Await.during(ring, 100);
                assertThat(frames)
                        .anyMatch(f -> f.isTcp4() && f.tcp4DestinationPort() == 8080 && f.tcp4Flags() == Frames.SYN);
                // Other ports are untouched.
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8081)).isEqualTo("refused");

                // Installing again replaces the table (idempotent), still silencing.
                NftSilencer.builder()
                        .ports(8080)
                        .command(hosts.local.command("nft"))
                        .install();
                assertThat(hosts.local
                                .exec("nft", "list", "tables")
                                .stdout()
                                .lines()
                                .filter(l -> l.contains("ferry")))
                        .hasSize(1);
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("timeout");
            }
            assertThat(hosts.local.exec("nft", "list", "tables").stdout()).doesNotContain("ferry");
            assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("refused");
        }
    }

    @Test
    void theNetdevIngressVariantSilencesOnlyTheGivenAddressAfterTheRingSawTheSyn() throws Exception {
        Tools.require("nft", "/usr/bin/python3");
        try (TwoHosts hosts = new TwoHosts("silence-ingress");
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .filter(TcpFilter.builder().localPorts(8080).build()))) {
            hosts.local.exec("ip", "addr", "add", "198.18.0.9/24", "dev", TwoHosts.LOCAL_IF);
            try (NftSilencer silencer = NftSilencer.builder()
                    .ports(8080)
                    .addresses(java.net.InetAddress.getByName(TwoHosts.LOCAL_V4))
                    .ingressDevice(TwoHosts.LOCAL_IF)
                    .command(hosts.local.command("nft"))
                    .install()) {
                assertThat(silencer.script()).contains("hook ingress device \"veth0\"");
                assertThat(silencer.family()).isEqualTo("netdev");
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("timeout");
                assertThat(silencer.dropped()).isGreaterThanOrEqualTo(1);
                // The ingress hook runs after the packet taps: the ring still has the SYN it dropped.
                assertThat(Await.during(ring, 100))
                        .anyMatch(f -> f.isTcp4() && f.tcp4DestinationPort() == 8080 && f.tcp4Flags() == Frames.SYN);
                assertThat(Peer.connect(hosts.peer, "198.18.0.9", 8080)).isEqualTo("refused");
            }
            assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("refused");
        }
    }

    @Test
    void twoSilencersInOneNamespaceEachKeepAndRemoveOnlyTheirOwnTable() throws Exception {
        Tools.require("nft", "/usr/bin/python3");
        java.net.InetAddress local = java.net.InetAddress.getByName(TwoHosts.LOCAL_V4);
        try (TwoHosts hosts = new TwoHosts("silence-two")) {
            NftSilencer first = NftSilencer.builder()
                    .table(NftSilencer.tableFor(local, 8080))
                    .ports(8080)
                    .addresses(local)
                    .command(hosts.local.command("nft"))
                    .install();
            try (NftSilencer second = NftSilencer.builder()
                    .table(NftSilencer.tableFor(local, 8081))
                    .ports(8081)
                    .addresses(local)
                    .ingressDevice(TwoHosts.LOCAL_IF)
                    .command(hosts.local.command("nft"))
                    .install()) {
                assertThat(first.table()).isEqualTo("ferry-198-18-0-1-8080");
                assertThat(second.table()).isEqualTo("ferry-198-18-0-1-8081");
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("timeout");
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8081)).isEqualTo("timeout");

                first.close();
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080)).isEqualTo("refused");
                assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8081)).isEqualTo("timeout");
                assertThat(hosts.local.exec("nft", "list", "tables").stdout())
                        .doesNotContain(first.table())
                        .contains("netdev " + second.table());
            }
            assertThat(hosts.local.exec("nft", "list", "tables").stdout()).doesNotContain("ferry");
            assertThat(Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8081)).isEqualTo("refused");
        }
    }

    @Test
    void aTableNameNftCannotParseIsRefusedUpFront() {
        assertThatThrownBy(() -> NftSilencer.builder().table("8080-ferry"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("table name");
        assertThatThrownBy(() -> NftSilencer.builder().table("ferry; flush ruleset"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void removingWhatIsNotThereIsFine() {
        Tools.require("nft");
        try (TwoHosts hosts = new TwoHosts("silence-idem")) {
            NftSilencer silencer = NftSilencer.builder()
                    .ports(1)
                    .command(hosts.local.command("nft"))
                    .install();
            silencer.remove();
            silencer.remove();
            assertThat(hosts.local.exec("nft", "list", "tables").stdout()).doesNotContain("ferry");
        }
    }

    @Test
    void aMissingNftOrMissingNetAdminFailsWithTheReason() {
        Tools.require("setpriv", "nft");
        assertThatThrownBy(() -> NftSilencer.builder()
                        .ports(80)
                        .command(List.of("ferry-no-such-nft"))
                        .install())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("nft not found")
                .hasMessageContaining("install nftables");
        try (TwoHosts hosts = new TwoHosts("silence-cap")) {
            List<String> withoutNetAdmin =
                    hosts.local.command("setpriv", "--inh-caps=-all", "--bounding-set=-net_admin", "--", "nft");
            assertThatThrownBy(() -> NftSilencer.builder()
                            .ports(80)
                            .command(withoutNetAdmin)
                            .install())
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("needs CAP_NET_ADMIN");
        }
    }
}
