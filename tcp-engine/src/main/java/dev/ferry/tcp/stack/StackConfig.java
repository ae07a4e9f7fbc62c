package dev.ferry.tcp.stack;

import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.wire.Addresses;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What one shard's stack needs to know about its addresses and limits. Immutable; build with
 * {@link #builder()}.
 *
 * <p>Addresses come in two kinds. <em>Local</em> addresses are those the stack terminates TCP for
 * (a pod's own IP, shared with the kernel, which nftables keeps out of the intercepted flows).
 * <em>ARP-owned</em> addresses are local addresses that only Ferry answers for (the kernel does
 * not have them), so the stack answers ARP requests for them; it never answers for an address the
 * kernel also holds, or two hosts would claim it.
 */
public final class StackConfig {
    private final int[] ipv4Addresses;
    private final int[] ipv4PrefixLengths;
    private final int ipv4Gateway;
    private final int[] arpOwned;
    private final long[] ipv6Addresses;
    private final long ipv6NextHopMac;
    private final TcpConfig tcp;
    private final int bufferChunkBytes;
    private final int maxBufferChunks;
    private final int expectedFlows;
    private final int acceptBacklog;
    private final int maxHalfOpen;
    private final int rxBudget;
    private final int timerBudget;

    private StackConfig(Builder b) {
        this.ipv4Addresses = b.ipv4.stream().mapToInt(a -> a[0]).toArray();
        this.ipv4PrefixLengths = b.ipv4.stream().mapToInt(a -> a[1]).toArray();
        this.ipv4Gateway = b.ipv4Gateway;
        this.arpOwned = b.arpOwned.stream().mapToInt(Integer::intValue).toArray();
        this.ipv6Addresses = b.ipv6.stream().flatMapToLong(Arrays::stream).toArray();
        this.ipv6NextHopMac = b.ipv6NextHopMac;
        this.tcp = b.tcp;
        this.bufferChunkBytes = b.bufferChunkBytes;
        this.maxBufferChunks = b.maxBufferChunks;
        this.expectedFlows = b.expectedFlows;
        this.acceptBacklog = b.acceptBacklog;
        this.maxHalfOpen = b.maxHalfOpen;
        this.rxBudget = b.rxBudget;
        this.timerBudget = b.timerBudget;
    }

    public static Builder builder() {
        return new Builder();
    }

    int ipv4Count() {
        return ipv4Addresses.length;
    }

    int ipv4Address(int i) {
        return ipv4Addresses[i];
    }

    int ipv4PrefixLength(int i) {
        return ipv4PrefixLengths[i];
    }

    /** The IPv4 next hop for off-link destinations, 0 when there is none. */
    int ipv4Gateway() {
        return ipv4Gateway;
    }

    int[] arpOwned() {
        return arpOwned.clone();
    }

    int ipv6Count() {
        return ipv6Addresses.length / 2;
    }

    long ipv6Hi(int i) {
        return ipv6Addresses[2 * i];
    }

    long ipv6Lo(int i) {
        return ipv6Addresses[2 * i + 1];
    }

    /** MAC for IPv6 active opens (no neighbor discovery yet); 0 when unset. */
    long ipv6NextHopMac() {
        return ipv6NextHopMac;
    }

    public TcpConfig tcp() {
        return tcp;
    }

    int bufferChunkBytes() {
        return bufferChunkBytes;
    }

    int maxBufferChunks() {
        return maxBufferChunks;
    }

    int expectedFlows() {
        return expectedFlows;
    }

    int acceptBacklog() {
        return acceptBacklog;
    }

    int maxHalfOpen() {
        return maxHalfOpen;
    }

    int rxBudget() {
        return rxBudget;
    }

    int timerBudget() {
        return timerBudget;
    }

    public static final class Builder {
        private final List<int[]> ipv4 = new ArrayList<>();
        private final List<Integer> arpOwned = new ArrayList<>();
        private final List<long[]> ipv6 = new ArrayList<>();
        private int ipv4Gateway;
        private long ipv6NextHopMac;
        private TcpConfig tcp = TcpConfig.defaults();
        private int bufferChunkBytes = 4096;
        private int maxBufferChunks = 1 << 14; // 64 MB of 4 KB chunks per shard
        private int expectedFlows = 1024;
        private int acceptBacklog = 4096;
        private int maxHalfOpen = 4096;
        private int rxBudget = 256;
        private int timerBudget = 4096;

        /** A local address: TCP to it is terminated here; {@code prefixLength} marks what is on-link. */
        public Builder address(InetAddress address, int prefixLength) {
            switch (address) {
                case Inet4Address v4 -> {
                    if (prefixLength < 0 || prefixLength > 32) {
                        throw new IllegalArgumentException("IPv4 prefix length " + prefixLength + " is not in 0..32");
                    }
                    ipv4.add(new int[] {Addresses.toInt(v4), prefixLength});
                }
                case Inet6Address v6 -> {
                    byte[] b = v6.getAddress();
                    ipv6.add(new long[] {Addresses.longAt(b, 0), Addresses.longAt(b, 8)});
                }
                default -> throw new IllegalArgumentException("not an IP address: " + address);
            }
            return this;
        }

        /** A local IPv4 address only Ferry holds: the stack answers ARP for it. */
        public Builder ownedAddress(Inet4Address address, int prefixLength) {
            address(address, prefixLength);
            arpOwned.add(Addresses.toInt(address));
            return this;
        }

        /** The router for IPv4 destinations outside every local prefix. */
        public Builder ipv4Gateway(Inet4Address gateway) {
            this.ipv4Gateway = Addresses.toInt(gateway);
            return this;
        }

        /** Where IPv6 active opens send frames (replies go to where the peer's frames came from). */
        public Builder ipv6NextHopMac(long mac) {
            this.ipv6NextHopMac = mac;
            return this;
        }

        public Builder tcp(TcpConfig tcp) {
            this.tcp = tcp;
            return this;
        }

        /** Buffer memory: chunks of {@code chunkBytes}, at most {@code maxChunks} of them per shard. */
        public Builder buffers(int chunkBytes, int maxChunks) {
            this.bufferChunkBytes = chunkBytes;
            this.maxBufferChunks = maxChunks;
            return this;
        }

        /** Flow-table size to start with (it grows). */
        public Builder expectedFlows(int flows) {
            this.expectedFlows = flows;
            return this;
        }

        /** Default backlogs of {@code listen} (established-but-unaccepted, and half-open). */
        public Builder backlog(int acceptBacklog, int maxHalfOpen) {
            this.acceptBacklog = acceptBacklog;
            this.maxHalfOpen = maxHalfOpen;
            return this;
        }

        /** Frames taken per {@code poll} turn, and timers fired per turn. */
        public Builder budgets(int rxFrames, int timers) {
            this.rxBudget = rxFrames;
            this.timerBudget = timers;
            return this;
        }

        public StackConfig build() {
            if (ipv4.isEmpty() && ipv6.isEmpty()) {
                throw new IllegalArgumentException("a stack needs at least one local address");
            }
            return new StackConfig(this);
        }
    }
}
