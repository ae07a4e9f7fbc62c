package dev.ferry.afpacket;

import dev.ferry.testkit.NetNs;
import dev.ferry.testkit.Tools;
import dev.ferry.testkit.VethPair;

/**
 * Two network namespaces joined by a veth pair: "local" (where the rings open, on {@code veth0},
 * 198.18.0.1 / fd00:f::1) and "peer" (a kernel host on {@code veth1}, 198.18.0.2 / fd00:f::2).
 * 198.18.0.0/15 is the benchmarking range (RFC 2544): nothing outside the namespaces is addressed.
 */
final class TwoHosts implements AutoCloseable {
    static final String LOCAL_IF = "veth0";
    static final String PEER_IF = "veth1";
    static final String LOCAL_V4 = "198.18.0.1";
    static final String PEER_V4 = "198.18.0.2";
    static final String LOCAL_V6 = "fd00:f::1";
    static final String PEER_V6 = "fd00:f::2";

    final NetNs local;
    final NetNs peer;
    final VethPair veth;

    TwoHosts(String label) {
        Tools.requireRoot();
        Tools.require("ip", "ethtool");
        NetNs l = NetNs.create(label + "-local");
        NetNs p = null;
        VethPair v = null;
        try {
            p = NetNs.create(label + "-peer");
            v = VethPair.create(l, LOCAL_IF, p, PEER_IF);
            v.left().address(LOCAL_V4 + "/24").address(LOCAL_V6 + "/64").up();
            v.right().address(PEER_V4 + "/24").address(PEER_V6 + "/64").up();
        } catch (RuntimeException e) {
            if (v != null) v.close();
            if (p != null) p.close();
            l.close();
            throw e;
        }
        this.local = l;
        this.peer = p;
        this.veth = v;
    }

    /** Opens a packet socket on the local end, inside the local namespace. */
    PacketSocket open(PacketSocket.Builder builder) {
        return local.call(builder::open);
    }

    /** Sends {@code count} UDP datagrams from the peer's kernel to local:{@code port}, {@code size} bytes each. */
    void peerSendsUdp(int port, int count, int size) {
        peerSendsUdp(port, count, size, 0);
    }

    /** Sends {@code count} datagrams from the peer, {@code gapMs} apart (0: as fast as Python can). */
    void peerSendsUdp(int port, int count, int size, int gapMs) {
        peer.exec(
                "/usr/bin/python3",
                "-c",
                String.join(
                        "\n",
                        "import socket, time",
                        "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
                        "for i in range(" + count + "):",
                        "    s.sendto(i.to_bytes(4, 'big') + bytes(" + (size - 4) + "), ('" + LOCAL_V4 + "', " + port
                                + "))",
                        "    if " + gapMs + ": time.sleep(" + gapMs / 1000.0 + ")"));
    }

    @Override
    public void close() {
        veth.close();
        peer.close();
        local.close();
    }
}
