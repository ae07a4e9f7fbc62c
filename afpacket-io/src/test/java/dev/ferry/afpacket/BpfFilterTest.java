package dev.ferry.afpacket;

import static dev.ferry.afpacket.Frames.ip;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.bpf.BpfProgram;
import dev.ferry.afpacket.bpf.TcpFilter;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class BpfFilterTest {
    private static final int CASE_V4_PORT = 1;
    private static final int CASE_V4_OTHER_PORT = 2;
    private static final int CASE_UDP_SAME_PORT = 3;
    private static final int CASE_V4_WITH_OPTIONS = 4;
    private static final int CASE_V4_LATER_FRAGMENT = 5;
    private static final int CASE_V6_PORT = 6;
    private static final int CASE_V6_OTHER_ADDRESS = 7;
    private static final int CASE_V4_OTHER_ADDRESS = 8;
    private static final int CASE_ARP = 9;
    private static final int CASE_V6_OTHER_PORT = 10;

    @Test
    void realKernelTrafficIsKeptOnlyForTheChosenTcpPortsInBothFamilies() {
        try (TwoHosts hosts = new TwoHosts("bpf-real");
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .filter(TcpFilter.builder().localPorts(8080).build()))) {
            Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 8080);
            Peer.connect(hosts.peer, TwoHosts.LOCAL_V6, 8080);
            Peer.connect(hosts.peer, TwoHosts.LOCAL_V4, 9090);
            Peer.udpFromPorts(hosts.peer, TwoHosts.LOCAL_V4, 8080, 30000, 1, 5);
            List<Await.Frame> frames = Await.during(ring, 200);

            assertThat(frames).isNotEmpty();
            assertThat(frames).allSatisfy(f -> {
                if (f.etherType() == 0x0800) {
                    assertThat(f.isTcp4()).isTrue();
                    assertThat(f.tcp4DestinationPort()).isEqualTo(8080);
                } else {
                    assertThat(f.etherType()).isEqualTo(0x86DD);
                    assertThat(f.bytes()[20]).isEqualTo((byte) 6);
                    assertThat(f.u16(14 + 40 + 2)).isEqualTo(8080);
                }
            });
            assertThat(frames).anyMatch(f -> f.etherType() == 0x0800);
            assertThat(frames).anyMatch(f -> f.etherType() == 0x86DD);
        }
    }

    @Test
    void handMadeFramesAreAcceptedOrRejectedByTheKernelAsTheFilterSays() {
        BpfProgram anyAddress = TcpFilter.builder().localPorts(8080, 8443).build();
        assertThat(accepted(anyAddress))
                .containsExactly(
                        CASE_V4_PORT, CASE_V4_WITH_OPTIONS, CASE_V6_PORT, CASE_V6_OTHER_ADDRESS, CASE_V4_OTHER_ADDRESS);
    }

    @Test
    void addressesNarrowTheFilter() throws Exception {
        BpfProgram ours = TcpFilter.builder()
                .localPorts(8080)
                .localAddresses(InetAddress.getByName(TwoHosts.LOCAL_V4), InetAddress.getByName(TwoHosts.LOCAL_V6))
                .build();
        assertThat(accepted(ours)).containsExactly(CASE_V4_PORT, CASE_V4_WITH_OPTIONS, CASE_V6_PORT);

        BpfProgram v4Only = TcpFilter.builder()
                .localPorts(8080)
                .localAddresses(InetAddress.getByName(TwoHosts.LOCAL_V4))
                .build();
        assertThat(accepted(v4Only)).containsExactly(CASE_V4_PORT, CASE_V4_WITH_OPTIONS);
    }

    @Test
    void withoutPortsEveryTcpPortMatches() {
        BpfProgram anyPort = TcpFilter.builder().build();
        assertThat(accepted(anyPort))
                .containsExactly(
                        CASE_V4_PORT,
                        CASE_V4_OTHER_PORT,
                        CASE_V4_WITH_OPTIONS,
                        CASE_V6_PORT,
                        CASE_V6_OTHER_ADDRESS,
                        CASE_V4_OTHER_ADDRESS,
                        CASE_V6_OTHER_PORT);
    }

    @Test
    void arpFramesAreKeptWhenAskedFor() throws Exception {
        BpfProgram withArp = TcpFilter.builder()
                .localPorts(8080)
                .localAddresses(InetAddress.getByName(TwoHosts.LOCAL_V4))
                .arp(true)
                .build();
        assertThat(accepted(withArp)).containsExactly(-0x0806, CASE_V4_PORT, CASE_V4_WITH_OPTIONS);
    }

    /** Sends every case from a packet socket in the peer and returns the cases the local ring kept. */
    private static Set<Integer> accepted(BpfProgram filter) {
        try (TwoHosts hosts = new TwoHosts("bpf-hand");
                PacketSocket ring = hosts.open(PacketSocket.builder(TwoHosts.LOCAL_IF)
                        .retireTimeoutMs(1)
                        .txRing(0, 0)
                        .filter(filter));
                PacketSocket sender = hosts.peer.call(
                        () -> PacketSocket.builder(TwoHosts.PEER_IF).open())) {
            long dst = ring.macAddress();
            long src = sender.macAddress();
            TxRing tx = sender.tx();
            byte[] l4 = ip(TwoHosts.LOCAL_V4);
            byte[] p4 = ip(TwoHosts.PEER_V4);
            byte[] l6 = ip(TwoHosts.LOCAL_V6);
            byte[] p6 = ip(TwoHosts.PEER_V6);
            byte[] none = new byte[0];
            send(
                    tx,
                    m -> Frames.tcp4(
                            m.memory, m.at, dst, src, p4, l4, 1000, 8080, CASE_V4_PORT, 0, Frames.SYN, none, 0, false));
            send(
                    tx,
                    m -> Frames.tcp4(
                            m.memory,
                            m.at,
                            dst,
                            src,
                            p4,
                            l4,
                            1000,
                            8081,
                            CASE_V4_OTHER_PORT,
                            0,
                            Frames.SYN,
                            none,
                            0,
                            false));
            send(
                    tx,
                    m -> Frames.udp4(
                            m.memory, m.at, dst, src, p4, l4, 1000, 8080, 0, new byte[] {0, 0, 0, CASE_UDP_SAME_PORT}));
            send(
                    tx,
                    m -> Frames.tcp4(
                            m.memory,
                            m.at,
                            dst,
                            src,
                            p4,
                            l4,
                            1000,
                            8080,
                            CASE_V4_WITH_OPTIONS,
                            0,
                            Frames.SYN,
                            none,
                            2,
                            false));
            send(tx, m -> {
                int n = Frames.tcp4(
                        m.memory,
                        m.at,
                        dst,
                        src,
                        p4,
                        l4,
                        1000,
                        8080,
                        CASE_V4_LATER_FRAGMENT,
                        0,
                        Frames.SYN,
                        none,
                        0,
                        false);
                Frames.makeFragment(m.memory, m.at, 185); // offset 1480 bytes: the bytes where "ports" sit are payload
                return n;
            });
            send(
                    tx,
                    m -> Frames.tcp6(
                            m.memory, m.at, dst, src, p6, l6, 1000, 8080, CASE_V6_PORT, 0, Frames.SYN, none, false));
            send(
                    tx,
                    m -> Frames.tcp6(
                            m.memory,
                            m.at,
                            dst,
                            src,
                            p6,
                            ip("fd00:f::99"),
                            1000,
                            8080,
                            CASE_V6_OTHER_ADDRESS,
                            0,
                            Frames.SYN,
                            none,
                            false));
            send(
                    tx,
                    m -> Frames.tcp4(
                            m.memory,
                            m.at,
                            dst,
                            src,
                            p4,
                            ip("198.18.0.99"),
                            1000,
                            8080,
                            CASE_V4_OTHER_ADDRESS,
                            0,
                            Frames.SYN,
                            none,
                            0,
                            false));
            send(tx, m -> {
                int n = Frames.tcp4(
                        m.memory, m.at, dst, src, p4, l4, 1000, 8080, CASE_ARP, 0, Frames.SYN, none, 0, false);
                m.memory.set(Frames.BE16, m.at + 12, (short) 0x0806); // same bytes, ARP EtherType
                return n;
            });
            send(
                    tx,
                    m -> Frames.tcp6(
                            m.memory,
                            m.at,
                            dst,
                            src,
                            p6,
                            l6,
                            1000,
                            9090,
                            CASE_V6_OTHER_PORT,
                            0,
                            Frames.SYN,
                            none,
                            false));
            assertThat(tx.flush()).isEqualTo(10);

            List<Await.Frame> frames = Await.during(ring, 300);
            Set<Integer> cases = new TreeSet<>();
            for (Await.Frame f : frames) {
                if (f.etherType() == 0x0800 && f.isTcp4()) {
                    cases.add((int) f.tcp4Seq());
                } else if (f.etherType() == 0x0800) {
                    cases.add(f.bytes()[14 + 28 + 3] & 0xFF);
                } else if (f.etherType() == 0x86DD) {
                    cases.add((int) f.u32(14 + 40 + 4));
                } else {
                    cases.add(-f.etherType());
                }
            }
            return cases;
        }
    }

    private record Slot(MemorySegment memory, long at) {}

    private interface Writer {
        int write(Slot slot);
    }

    private static void send(TxRing tx, Writer writer) {
        long at = tx.claim(200);
        assertThat(at).isNotNegative();
        tx.commit(at, writer.write(new Slot(tx.memory(), at)));
    }
}
