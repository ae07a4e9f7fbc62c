package dev.ferry.tcp.stack;

import dev.ferry.tcp.wire.Addresses;

/**
 * The addresses a shard terminates TCP for, with their on-link prefixes, numbered once: IPv4
 * addresses first (index i is the i-th configured), then IPv6. Flow records store that index
 * instead of the 16-byte address. A handful of addresses: lookups scan, IPv4 first.
 */
final class LocalAddresses {
    /** What {@link #indexOf} returns for an address that is not local. */
    static final int NOT_LOCAL = -1;

    private final StackConfig config;
    private final int ipv4Count;
    /** Index -> (hi, lo), IPv4 mapped. */
    private final long[] his;

    private final long[] los;

    LocalAddresses(StackConfig config) {
        this.config = config;
        this.ipv4Count = config.ipv4Count();
        int count = ipv4Count + config.ipv6Count();
        his = new long[count];
        los = new long[count];
        for (int i = 0; i < ipv4Count; i++) {
            los[i] = Addresses.ipv4MappedLo(config.ipv4Address(i));
        }
        for (int i = 0; i < config.ipv6Count(); i++) {
            his[ipv4Count + i] = config.ipv6Hi(i);
            los[ipv4Count + i] = config.ipv6Lo(i);
        }
    }

    /** The index of a local address in (hi, lo) form, or {@link #NOT_LOCAL}. */
    int indexOf(long hi, long lo) {
        for (int i = 0; i < los.length; i++) {
            if (los[i] == lo && his[i] == hi) {
                return i;
            }
        }
        return NOT_LOCAL;
    }

    boolean containsIpv4(int address) {
        return indexOfIpv4(address) >= 0;
    }

    /** The index of a local IPv4 address, or {@link #NOT_LOCAL}. */
    int indexOfIpv4(int address) {
        for (int i = 0; i < ipv4Count; i++) {
            if (config.ipv4Address(i) == address) {
                return i;
            }
        }
        return NOT_LOCAL;
    }

    /** The address an active open of this family leaves from: the first configured. */
    int sourceFor(boolean ipv4) {
        if (ipv4 ? ipv4Count == 0 : his.length == ipv4Count) {
            throw new IllegalStateException("no local " + (ipv4 ? "IPv4" : "IPv6") + " address to connect from");
        }
        return ipv4 ? 0 : ipv4Count;
    }

    boolean isIpv6(int index) {
        return index >= ipv4Count;
    }

    long hi(int index) {
        return his[index];
    }

    /** The low half; for an IPv4 address its mapped form, whose low 32 bits are the address. */
    long lo(int index) {
        return los[index];
    }

    /** The IPv4 address of an IPv4 index. */
    int ipv4(int index) {
        return config.ipv4Address(index);
    }

    /** Where a frame from local IPv4 address {@code index} to {@code destination} goes first. */
    int nextHop(int index, int destination) {
        int prefix = config.ipv4PrefixLength(index);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        if (((config.ipv4Address(index) ^ destination) & mask) == 0 || config.ipv4Gateway() == 0) {
            return destination; // on-link, or no router: ask for the destination itself
        }
        return config.ipv4Gateway();
    }
}
