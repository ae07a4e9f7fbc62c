package dev.ferry.afpacket.bpf;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the capture filter of a Ferry shard: Ethernet frames carrying TCP, over IPv4 or IPv6, to
 * one of the given local ports and (optionally) local addresses. Everything else is dropped in the
 * kernel before it costs a ring slot.
 *
 * <p>Limits, by design: IPv6 packets must carry TCP directly after the fixed header (no extension
 * headers), and IPv4 fragments other than the first are dropped (they carry no TCP header). With
 * no ports, every TCP port matches; with no addresses, every address does; with addresses of one
 * family only, the other family is dropped.
 */
public final class TcpFilter {
    // Offsets in an untagged Ethernet frame.
    private static final int ETHERTYPE = 12;
    private static final int IP4 = 14;
    private static final int IP4_PROTOCOL = IP4 + 9;
    private static final int IP4_FLAGS_FRAGMENT = IP4 + 6;
    private static final int IP4_DESTINATION = IP4 + 16;
    private static final int IP6 = 14;
    private static final int IP6_NEXT_HEADER = IP6 + 6;
    private static final int IP6_DESTINATION = IP6 + 24;
    private static final int TCP6_DESTINATION_PORT = IP6 + 40 + 2;
    private static final int TCP_DESTINATION_PORT_FROM_IP4 = IP4 + 2; // plus X = IPv4 header length
    private static final int IPPROTO_TCP = 6;
    private static final int ETHERTYPE_ARP = 0x0806;

    private final Set<Integer> ports = new LinkedHashSet<>();
    private final Set<Inet4Address> v4 = new LinkedHashSet<>();
    private final Set<Inet6Address> v6 = new LinkedHashSet<>();
    private int acceptLength = BpfProgram.WHOLE_FRAME;
    private boolean arp;

    private TcpFilter() {}

    public static TcpFilter builder() {
        return new TcpFilter();
    }

    /** Keeps TCP segments to these destination ports. */
    public TcpFilter localPorts(int... localPorts) {
        for (int p : localPorts) {
            if (p < 1 || p > 65535) {
                throw new IllegalArgumentException("port " + p);
            }
            ports.add(p);
        }
        return this;
    }

    /** Keeps only segments to these destination addresses (IPv4 and/or IPv6). */
    public TcpFilter localAddresses(InetAddress... addresses) {
        for (InetAddress a : addresses) {
            switch (a) {
                case Inet4Address a4 -> v4.add(a4);
                case Inet6Address a6 -> v6.add(a6);
                default -> throw new IllegalArgumentException("unknown address type " + a);
            }
        }
        return this;
    }

    /**
     * Also keeps ARP frames (default: no). A stack that answers ARP for an address only it holds,
     * or resolves the next hop of its own active opens, needs them.
     */
    public TcpFilter arp(boolean keep) {
        this.arp = keep;
        return this;
    }

    /** Bytes of each accepted frame to keep (default: all). */
    public TcpFilter acceptLength(int length) {
        this.acceptLength = length;
        return this;
    }

    public BpfProgram build() {
        boolean anyAddress = v4.isEmpty() && v6.isEmpty();
        BpfAssembler a = new BpfAssembler();
        a.loadHalf(ETHERTYPE)
                .jumpIfEqual(0x0800, "ipv4", BpfAssembler.NEXT)
                .jumpIfEqual(0x86DD, "ipv6", arp ? BpfAssembler.NEXT : "drop");
        if (arp) {
            a.jumpIfEqual(ETHERTYPE_ARP, "accept", "drop");
        }

        a.label("ipv4");
        if (!anyAddress && v4.isEmpty()) {
            a.ret(0);
        } else {
            a.loadByte(IP4_PROTOCOL).jumpIfEqual(IPPROTO_TCP, BpfAssembler.NEXT, "drop");
            // A non-first fragment has a fragment offset and no TCP header.
            a.loadHalf(IP4_FLAGS_FRAGMENT).jumpIfAnySet(0x1FFF, "drop", BpfAssembler.NEXT);
            if (!v4.isEmpty()) {
                a.loadWord(IP4_DESTINATION);
                List<Inet4Address> list = new ArrayList<>(v4);
                for (int i = 0; i < list.size(); i++) {
                    boolean last = i == list.size() - 1;
                    a.jumpIfEqual(word(list.get(i).getAddress(), 0), "ipv4-ports", last ? "drop" : BpfAssembler.NEXT);
                }
            }
            a.label("ipv4-ports");
            a.loadIpv4HeaderLength(IP4).loadHalfIndexed(TCP_DESTINATION_PORT_FROM_IP4);
            ports(a);
        }

        a.label("ipv6");
        if (!anyAddress && v6.isEmpty()) {
            a.ret(0);
        } else {
            a.loadByte(IP6_NEXT_HEADER).jumpIfEqual(IPPROTO_TCP, BpfAssembler.NEXT, "drop");
            List<Inet6Address> list = new ArrayList<>(v6);
            for (int i = 0; i < list.size(); i++) {
                byte[] addr = list.get(i).getAddress();
                String mismatch = i == list.size() - 1 ? "drop" : "ipv6-address-" + (i + 1);
                if (i > 0) {
                    a.label("ipv6-address-" + i);
                }
                for (int w = 0; w < 4; w++) {
                    a.loadWord(IP6_DESTINATION + 4 * w)
                            .jumpIfEqual(word(addr, 4 * w), w == 3 ? "ipv6-ports" : BpfAssembler.NEXT, mismatch);
                }
            }
            a.label("ipv6-ports");
            a.loadHalf(TCP6_DESTINATION_PORT);
            ports(a);
        }

        a.label("accept").ret(acceptLength);
        a.label("drop").ret(0);
        return a.assemble();
    }

    private void ports(BpfAssembler a) {
        if (ports.isEmpty()) {
            a.jumpIfEqual(0, "accept", "accept"); // any port
            return;
        }
        List<Integer> list = new ArrayList<>(ports);
        for (int i = 0; i < list.size(); i++) {
            a.jumpIfEqual(list.get(i), "accept", i == list.size() - 1 ? "drop" : BpfAssembler.NEXT);
        }
    }

    private static int word(byte[] bytes, int at) {
        return ByteBuffer.wrap(bytes, at, 4).getInt();
    }
}
