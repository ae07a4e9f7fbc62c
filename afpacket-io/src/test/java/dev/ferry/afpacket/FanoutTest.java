package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FanoutTest {
    @Test
    void fanoutHashKeepsEachFlowOnOneSocketAndSpreadsFlowsOverBoth() {
        try (TwoHosts hosts = new TwoHosts("fanout");
                PacketSocket a = hosts.open(shard());
                PacketSocket b = hosts.open(shard())) {
            int flows = 32;
            Peer.udpFromPorts(hosts.peer, TwoHosts.LOCAL_V4, 9999, 31000, flows, 20);
            List<Await.Frame> fromA = Await.during(a, 200);
            List<Await.Frame> fromB = Await.during(b, 50);

            Map<Integer, Set<String>> socketsPerFlow = new HashMap<>();
            int total = 0;
            for (var entry : Map.of("a", fromA, "b", fromB).entrySet()) {
                for (Await.Frame f : entry.getValue()) {
                    if (f.isUdp4To(9999)) {
                        int sourcePort = f.u16(14 + f.ip4HeaderLength());
                        socketsPerFlow
                                .computeIfAbsent(sourcePort, k -> new HashSet<>())
                                .add(entry.getKey());
                        total++;
                    }
                }
            }
            assertThat(total).isEqualTo(flows * 20);
            assertThat(socketsPerFlow).hasSize(flows);
            assertThat(socketsPerFlow.values()).allSatisfy(s -> assertThat(s).hasSize(1));
            // 32 flows all on one socket has probability 2^-31.
            assertThat(socketsPerFlow.values().stream().filter(s -> s.contains("a")))
                    .isNotEmpty();
            assertThat(socketsPerFlow.values().stream().filter(s -> s.contains("b")))
                    .isNotEmpty();
        }
    }

    private static PacketSocket.Builder shard() {
        return PacketSocket.builder(TwoHosts.LOCAL_IF)
                .retireTimeoutMs(1)
                .txRing(0, 0)
                .fanout(4242);
    }

    @Test
    void eachShardsDoorbellRingsOnlyForTheFlowsItsRingReceives() {
        try (TwoHosts hosts = new TwoHosts("fanout-bell");
                PacketSocket a = hosts.open(peekShard());
                PacketSocket b = hosts.open(peekShard())) {
            assertThat(a.doorbell()).as(a.rxModeReason()).isNotNull();
            Peer.udpFromPorts(hosts.peer, TwoHosts.LOCAL_V4, 9999, 32000, 32, 20);
            int framesA = Await.during(a, 200).size();
            int framesB = Await.during(b, 50).size();
            assertThat(framesA + framesB).isEqualTo(32 * 20);
            assertThat(framesA).isPositive();
            assertThat(framesB).isPositive();
            assertThat(a.doorbell().framesOffered()).isEqualTo(framesA);
            assertThat(b.doorbell().framesOffered()).isEqualTo(framesB);
        }
    }

    private static PacketSocket.Builder peekShard() {
        return PacketSocket.builder(TwoHosts.LOCAL_IF)
                .rxMode(RxMode.PEEK)
                .doorbell(true)
                .txRing(0, 0)
                .filter(dev.ferry.afpacket.bpf.UdpFilter.to(9999))
                .fanout(4343);
    }
}
