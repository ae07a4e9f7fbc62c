package dev.ferry.tcp.stack;

import dev.ferry.tcp.wire.Addresses;

/**
 * The addresses a shard terminates TCP for, in the flow table's (hi, lo) form, with their on-link
 * prefixes. A handful of addresses: lookups scan.
 */
final class LocalAddresses {
    private final StackConfig config;

    LocalAddresses(StackConfig config) {
        this.config = config;
    }

    static long mapped(int ipv4) {
        return Addresses.ipv4MappedLo(ipv4);
    }

    boolean contains(long hi, long lo) {
        if (Addresses.isIpv4Mapped(hi, lo)) {
            return containsIpv4(Addresses.ipv4(lo));
        }
        for (int i = 0; i < config.ipv6Count(); i++) {
            if (config.ipv6Hi(i) == hi && config.ipv6Lo(i) == lo) {
                return true;
            }
        }
        return false;
    }

    boolean containsIpv4(int address) {
        return indexOfIpv4(address) >= 0;
    }

    int indexOfIpv4(int address) {
        for (int i = 0; i < config.ipv4Count(); i++) {
            if (config.ipv4Address(i) == address) {
                return i;
            }
        }
        return -1;
    }

    /** The address an active open of this family leaves from: the first configured. */
    int sourceFor(boolean ipv4) {
        if (ipv4 ? config.ipv4Count() == 0 : config.ipv6Count() == 0) {
            throw new IllegalStateException("no local " + (ipv4 ? "IPv4" : "IPv6") + " address to connect from");
        }
        return 0;
    }

    int ipv4(int index) {
        return config.ipv4Address(index);
    }

    long ipv6Hi(int index) {
        return config.ipv6Hi(index);
    }

    long ipv6Lo(int index) {
        return config.ipv6Lo(index);
    }

    /** Where a frame from local address {@code index} to {@code destination} goes first. */
    int nextHop(int index, int destination) {
        int prefix = config.ipv4PrefixLength(index);
        int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
        if (((config.ipv4Address(index) ^ destination) & mask) == 0 || config.ipv4Gateway() == 0) {
            return destination; // on-link, or no router: ask for the destination itself
        }
        return config.ipv4Gateway();
    }
}
