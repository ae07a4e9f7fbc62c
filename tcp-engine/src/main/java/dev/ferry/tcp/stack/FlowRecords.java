package dev.ferry.tcp.stack;

import java.util.Arrays;

/**
 * The addressing of every flow a shard holds, by slot id, in primitive arrays: the 4-tuple the
 * flow table keys it by (so it can be removed by id) and the Ethernet address its frames go to.
 * A connection itself knows none of this; the stack finds it here when the connection transmits.
 *
 * <p>About 50 bytes per slot. Confined to the shard thread.
 */
final class FlowRecords {
    private long[] localHi;
    private long[] localLo;
    private long[] remoteHi;
    private long[] remoteLo;
    private int[] ports;
    private long[] peerMac;

    FlowRecords(int capacity) {
        int n = Math.max(16, capacity);
        localHi = new long[n];
        localLo = new long[n];
        remoteHi = new long[n];
        remoteLo = new long[n];
        ports = new int[n];
        peerMac = new long[n];
    }

    void set(int id, long lHi, long lLo, long rHi, long rLo, int localPort, int remotePort, long mac) {
        ensure(id);
        localHi[id] = lHi;
        localLo[id] = lLo;
        remoteHi[id] = rHi;
        remoteLo[id] = rLo;
        ports[id] = localPort << 16 | remotePort;
        peerMac[id] = mac;
    }

    private void ensure(int id) {
        if (id < ports.length) {
            return;
        }
        int n = Math.max(id + 1, ports.length * 2);
        localHi = Arrays.copyOf(localHi, n);
        localLo = Arrays.copyOf(localLo, n);
        remoteHi = Arrays.copyOf(remoteHi, n);
        remoteLo = Arrays.copyOf(remoteLo, n);
        ports = Arrays.copyOf(ports, n);
        peerMac = Arrays.copyOf(peerMac, n);
    }

    long localHi(int id) {
        return localHi[id];
    }

    long localLo(int id) {
        return localLo[id];
    }

    long remoteHi(int id) {
        return remoteHi[id];
    }

    long remoteLo(int id) {
        return remoteLo[id];
    }

    int localPort(int id) {
        return ports[id] >>> 16;
    }

    int remotePort(int id) {
        return ports[id] & 0xffff;
    }

    long peerMac(int id) {
        return peerMac[id];
    }

    void peerMac(int id, long mac) {
        peerMac[id] = mac;
    }

    boolean ipv6(int id) {
        return !(localHi[id] == 0 && (localLo[id] >>> 32) == 0xFFFFL);
    }

    long footprintBytes() {
        return (long) ports.length * (5 * Long.BYTES + Integer.BYTES);
    }
}
