package dev.ferry.tcp.stack;

import dev.ferry.tcp.arp.ArpResponder;
import dev.ferry.tcp.arp.NeighborTable;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.link.Link;
import dev.ferry.tcp.wire.Addresses;
import dev.ferry.tcp.wire.ArpPacket;
import dev.ferry.tcp.wire.FrameBuilder;
import dev.ferry.tcp.wire.ParsedFrame;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * Ethernet addresses of next hops. A passive connection needs none of this: its frames go back to
 * the address its SYN came from. An active open asks ARP for its next hop (IPv4) and holds its
 * first frames, as Linux does, until the answer comes (at most {@link #MAX_HELD} frames, each for
 * at most {@link #HOLD_NS}); IPv6 active opens use a configured next-hop address (no neighbor
 * discovery yet).
 */
final class Neighbors {
    static final int MAX_HELD = 64;
    static final long HOLD_NS = 3_000_000_000L;
    static final long REQUEST_INTERVAL_NS = 1_000_000_000L;
    static final long ENTRY_LIFETIME_NS = 60_000_000_000L;

    private record Held(int nextHop, byte[] frame, long sinceNs) {}

    private final StackConfig config;
    private final LocalAddresses local;
    private final Transmitter tx;
    private final StackCounters counters;
    private final NeighborTable table = new NeighborTable(4096, ENTRY_LIFETIME_NS);
    private final ArpResponder responder;
    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private MemorySegment scratch;

    Neighbors(Link link, StackConfig config, LocalAddresses local, Transmitter tx, StackCounters counters) {
        this.config = config;
        this.local = local;
        this.tx = tx;
        this.counters = counters;
        this.responder = new ArpResponder(link.macAddress(), config.arpOwned(), table, REQUEST_INTERVAL_NS);
    }

    void onArp(ArpPacket arp, long nowNs) {
        counters.increment(StackCounter.ARP_IN);
        long at = tx.claimArp();
        if (at < 0) {
            return;
        }
        int reply = responder.onArp(arp, nowNs, txMemory(), at);
        if (reply > 0) {
            tx.commitArp(at, reply);
        }
        // The responder learns only for addresses Ferry alone holds; an answer to our own request
        // from a pod address the kernel shares is worth learning too.
        if (arp.operation() == ArpPacket.OPERATION_REPLY && local.containsIpv4(arp.targetIp())) {
            table.learn(arp.senderIp(), arp.senderMac(), nowNs);
        }
        release(arp.senderIp(), nowNs);
    }

    void onIpv4Frame(ParsedFrame frame, long nowNs) {
        responder.onIpv4Frame(frame, nowNs);
    }

    /** The MAC an active open starts with: known now, or 0 to resolve at its first transmit. */
    long nextHopMac(boolean ipv4, long remoteLo, int localIndex, long nowNs) {
        if (!ipv4) {
            if (config.ipv6NextHopMac() == 0) {
                throw new IllegalStateException(
                        "IPv6 active open needs StackConfig.ipv6NextHopMac (neighbor discovery is not implemented)");
            }
            return config.ipv6NextHopMac();
        }
        long mac = table.lookup(local.nextHop(localIndex, Addresses.ipv4(remoteLo)), nowNs);
        return mac == NeighborTable.UNKNOWN ? 0 : mac;
    }

    /** Fills in the flow's next-hop MAC if it is known now. */
    boolean resolve(FlowRecords<?> records, int id, long nowNs) {
        long mac;
        if (local.isIpv6(records.localIndex(id))) {
            // A passive IPv6 flow whose SYN came from MAC 0 (no discovery yet): the configured hop.
            mac = config.ipv6NextHopMac() == 0 ? NeighborTable.UNKNOWN : config.ipv6NextHopMac();
        } else {
            mac = table.lookup(nextHopOf(records, id), nowNs);
        }
        if (mac == NeighborTable.UNKNOWN) {
            return false;
        }
        records.peerMac(id, mac);
        return true;
    }

    /** Keeps a copy of the frame for {@code segment} until its next hop answers, and asks. */
    void hold(FlowRecords<?> records, int id, SegmentOut segment, long nowNs) {
        if (local.isIpv6(records.localIndex(id))) {
            counters.increment(StackCounter.NEIGHBOR_DROP); // no IPv6 neighbor discovery to wait for
            return;
        }
        int nextHop = nextHopOf(records, id);
        if (held.size() >= MAX_HELD) {
            counters.increment(StackCounter.NEIGHBOR_DROP);
        } else {
            held.addLast(new Held(nextHop, tx.buildDetached(records, id, segment, scratch()), nowNs));
            counters.increment(StackCounter.NEIGHBOR_HELD);
        }
        long at = tx.claimArp();
        if (at >= 0) {
            int length = responder.request(nextHop, local.ipv4(records.localIndex(id)), nowNs, txMemory(), at);
            if (length > 0) {
                tx.commitArp(at, length);
            }
        }
    }

    void expireHeld(long nowNs) {
        while (!held.isEmpty() && nowNs - held.peekFirst().sinceNs() > HOLD_NS) {
            held.pollFirst();
            counters.increment(StackCounter.NEIGHBOR_DROP);
        }
    }

    private void release(int address, long nowNs) {
        if (held.isEmpty()) {
            return;
        }
        long mac = table.lookup(address, nowNs);
        if (mac == NeighborTable.UNKNOWN) {
            return;
        }
        for (Iterator<Held> it = held.iterator(); it.hasNext(); ) {
            Held h = it.next();
            if (h.nextHop() == address && tx.sendDetached(h.frame(), mac)) {
                it.remove();
            }
        }
    }

    private int nextHopOf(FlowRecords<?> records, int id) {
        return local.nextHop(records.localIndex(id), Addresses.ipv4(records.remoteLo(id)));
    }

    private MemorySegment txMemory() {
        return tx.txMemory();
    }

    private MemorySegment scratch() {
        if (scratch == null) {
            scratch = Arena.ofAuto().allocate(FrameBuilder.maxHeaderLength() + 65536L);
        }
        return scratch;
    }
}
