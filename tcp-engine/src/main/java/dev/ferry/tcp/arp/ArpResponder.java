package dev.ferry.tcp.arp;

import dev.ferry.tcp.wire.ArpPacket;
import dev.ferry.tcp.wire.FrameBuilder;
import dev.ferry.tcp.wire.ParsedFrame;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;

/**
 * Ferry's ARP policy: which requests to answer, what to learn, when to ask.
 *
 * <p>It answers requests only for the IPv4 addresses it is told the stack owns and the kernel does
 * not (such as a source address only Ferry uses); addresses the kernel owns are the kernel's to
 * answer, and answering them too would race it. It learns as RFC 826 says: from any ARP packet it
 * refreshes entries it already has, and adds the sender only when the packet was for an owned
 * address; it also learns the sender of TCP frames sent to an owned address. It builds requests for
 * unresolved next hops, at most one per address per {@code requestIntervalNs}.
 *
 * <p>No threads and no clock: the shard passes {@code nowNs} and memory to write into. Confined to
 * one shard thread, except {@link #ownedAddresses(int...)}, which the shard must apply between
 * loop turns (through its command queue) like any policy change.
 */
public final class ArpResponder {
    private final long ourMac;
    private final NeighborTable neighbors;
    private final long requestIntervalNs;
    private int[] owned;
    private long repliesSent;
    private long requestsIgnored;
    private long requestsSent;
    private long requestsSuppressed;

    /**
     * @param ourMac the link's MAC (low 48 bits)
     * @param ownedAddresses IPv4 addresses (big-endian ints) the stack owns and the kernel does not
     * @param neighbors where learned mappings go
     * @param requestIntervalNs least time between two requests for one address
     */
    public ArpResponder(long ourMac, int[] ownedAddresses, NeighborTable neighbors, long requestIntervalNs) {
        this.ourMac = ourMac;
        this.neighbors = neighbors;
        this.requestIntervalNs = requestIntervalNs;
        ownedAddresses(ownedAddresses);
    }

    /** Replaces the set of owned addresses. */
    public void ownedAddresses(int... addresses) {
        int[] sorted = addresses.clone();
        Arrays.sort(sorted);
        this.owned = sorted;
    }

    public boolean owns(int ipv4) {
        return Arrays.binarySearch(owned, ipv4) >= 0;
    }

    /**
     * Handles a received ARP packet: learns from it and, when it asks for an owned address, writes
     * the reply frame at {@code out}/{@code outOffset} (room for {@link
     * FrameBuilder#ARP_FRAME_LENGTH} bytes).
     *
     * @return the length of the reply written, or 0 when there is nothing to send
     */
    public int onArp(ArpPacket arp, long nowNs, MemorySegment out, long outOffset) {
        int senderIp = arp.senderIp();
        long senderMac = arp.senderMac();
        // A sender of 0.0.0.0 is an address probe (RFC 5227 section 2.1.1) and a multicast sender
        // MAC is bogus: neither is a mapping to remember.
        boolean learnable = senderIp != 0 && !isMulticast(senderMac);
        boolean merged = learnable && neighbors.update(senderIp, senderMac, nowNs);
        int targetIp = arp.targetIp();
        if (!owns(targetIp)) {
            if (arp.operation() == ArpPacket.OPERATION_REQUEST) {
                requestsIgnored++;
            }
            return 0;
        }
        if (learnable && !merged) {
            neighbors.learn(senderIp, senderMac, nowNs);
        }
        if (arp.operation() != ArpPacket.OPERATION_REQUEST) {
            return 0;
        }
        repliesSent++;
        return FrameBuilder.writeArpReply(out, outOffset, ourMac, targetIp, senderMac, senderIp);
    }

    /**
     * Learns the sender of an IPv4 TCP frame addressed to an owned address, so replies need no ARP
     * round trip. The mapping is the MAC the frame came from, which is where replies must go even
     * when the sender is behind a router.
     */
    public void onIpv4Frame(ParsedFrame frame, long nowNs) {
        if (frame.isTcp() && !frame.ipv6() && owns(frame.dstIpv4()) && !isMulticast(frame.srcMac())) {
            neighbors.learn(frame.srcIpv4(), frame.srcMac(), nowNs);
        }
    }

    /**
     * Writes a request for {@code nextHop} from {@code senderIp} (an owned address) when one is due,
     * at most one per {@code requestIntervalNs} per address.
     *
     * @return the length of the request written, or 0 when none is due (resolved, or asked recently)
     */
    public int request(int nextHop, int senderIp, long nowNs, MemorySegment out, long outOffset) {
        if (!neighbors.claimRequest(nextHop, nowNs, requestIntervalNs)) {
            requestsSuppressed++;
            return 0;
        }
        requestsSent++;
        return FrameBuilder.writeArpRequest(out, outOffset, ourMac, senderIp, nextHop);
    }

    /** The neighbor table this responder fills. */
    public NeighborTable neighbors() {
        return neighbors;
    }

    public long repliesSent() {
        return repliesSent;
    }

    /** Requests for addresses Ferry does not own (the kernel's or another host's). */
    public long requestsIgnored() {
        return requestsIgnored;
    }

    public long requestsSent() {
        return requestsSent;
    }

    /** Requests not sent because one went out recently or the address is resolved. */
    public long requestsSuppressed() {
        return requestsSuppressed;
    }

    private static boolean isMulticast(long mac) {
        return (mac & 0x0100_0000_0000L) != 0; // the I/G bit of the first byte
    }
}
