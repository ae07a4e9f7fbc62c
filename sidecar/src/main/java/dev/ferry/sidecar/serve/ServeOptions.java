package dev.ferry.sidecar.serve;

import dev.ferry.sidecar.cli.Args;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Set;

/**
 * The options of {@code ferry serve}, checked. The address defaults to the interface's first IPv4
 * address; an address the interface does not have is one only Ferry holds (it answers ARP for it,
 * and no kernel silencing is needed).
 */
record ServeOptions(
        String interfaceName,
        int port,
        InetAddress address,
        int prefixLength,
        boolean kernelOwnsAddress,
        ServeMode mode,
        int shards,
        int fanoutGroup,
        long spinNs,
        long coalesceNs,
        int bodyBytes,
        boolean offload,
        TxPath txPath,
        boolean silence,
        boolean silenceAtIngress,
        int statsIntervalMs) {

    /** See ShardLoop's class comment; chosen in BENCHMARKS.md "Coalescing wake-ups". */
    static final int DEFAULT_COALESCE_US = 0;

    static final String USAGE = """
            usage: ferry serve --interface IF --port P [options]

              --interface IF     the device to capture on (its AF_PACKET rings)
              --port P           the TCP port to answer on
              --address IP       the IPv4 address to answer on (default: IF's first IPv4 address;
                                 an address IF does not have is answered for with ARP)
              --prefix N         on-link prefix length for --address when IF does not have it (24)
              --mode M           echo (default) | http | discard | sockperf (replies as a
                                 sockperf server does, for its ping-pong and under-load clients)
              --body-bytes N     size of the HTTP response body (default 6)
              --shards N         ring pairs and threads, flows spread by fanout hash (default 1)
              --spin-us N        spin this long after traffic before sleeping (default 0)
              --coalesce-us N    under dense traffic, sleep up to N µs to collect a batch instead
                                 of waking per frame (default 0: always wake per frame)
              --no-offload       no virtio_net_hdr: no GSO/checksum offload on the rings
              --tx PATH          mixed (default: frames up to the MTU are copied and sent in one
                                 sendmmsg per turn, GSO super-frames go through the TX ring) |
                                 copy (every frame copied) | ring (every frame through the TX ring)
              --no-silence       do not install the nftables table that keeps the kernel away
              --silence-hook H   ingress (default: a netdev ingress drop on IF, falling back to
                                 input when that cannot be installed) | input (an inet input drop)
              --stats-ms N       print counters every N ms (default 1000, 0: never)
            """;

    static ServeOptions parse(List<String> argv) {
        Args a = Args.parse(
                "serve",
                argv,
                Set.of(
                        "interface",
                        "port",
                        "address",
                        "prefix",
                        "mode",
                        "body-bytes",
                        "shards",
                        "spin-us",
                        "coalesce-us",
                        "stats-ms",
                        "tx",
                        "silence-hook"),
                Set.of("no-offload", "no-silence"));
        String ifName = a.required("interface");
        int port = a.integer("port", 0, 1, 65535);
        if (!a.has("port")) {
            throw new Args.UsageException("serve: --port is required");
        }
        NetworkInterface nic = interfaceNamed(ifName);
        InetAddress address;
        int prefix;
        boolean kernelOwns;
        if (a.has("address")) {
            address = parseIpv4(a.required("address"));
            InterfaceAddress onNic = find(nic, address);
            kernelOwns = onNic != null;
            prefix = onNic != null ? onNic.getNetworkPrefixLength() : a.integer("prefix", 24, 0, 32);
        } else {
            InterfaceAddress first = nic.getInterfaceAddresses().stream()
                    .filter(ia -> ia.getAddress() instanceof Inet4Address)
                    .findFirst()
                    .orElseThrow(
                            () -> new Args.UsageException("serve: " + ifName + " has no IPv4 address; give --address"));
            address = first.getAddress();
            prefix = first.getNetworkPrefixLength();
            kernelOwns = true;
        }
        return new ServeOptions(
                ifName,
                port,
                address,
                prefix,
                kernelOwns,
                ServeMode.parse(a.string("mode", "echo")),
                a.integer("shards", 1, 1, 64),
                // One fanout group per serving process and port: ids are per network namespace.
                (int) (ProcessHandle.current().pid() ^ port) & 0xffff,
                a.integer("spin-us", 0, 0, 1_000_000) * 1_000L,
                a.integer("coalesce-us", DEFAULT_COALESCE_US, 0, 10_000) * 1_000L,
                a.integer("body-bytes", 6, 1, 60_000),
                !a.flag("no-offload"),
                TxPath.parse(a.string("tx", "mixed")),
                !a.flag("no-silence"),
                silenceHook(a.string("silence-hook", "ingress")),
                a.integer("stats-ms", 1000, 0, 3_600_000));
    }

    private static boolean silenceHook(String hook) {
        return switch (hook) {
            case "ingress" -> true;
            case "input" -> false;
            default ->
                throw new Args.UsageException("serve: --silence-hook must be ingress or input, not '" + hook + "'");
        };
    }

    private static NetworkInterface interfaceNamed(String name) {
        try {
            NetworkInterface nic = NetworkInterface.getByName(name);
            if (nic == null) {
                throw new Args.UsageException("serve: no interface " + name + " in this network namespace");
            }
            return nic;
        } catch (SocketException e) {
            throw new Args.UsageException("serve: cannot read interface " + name + ": " + e.getMessage());
        }
    }

    private static InterfaceAddress find(NetworkInterface nic, InetAddress address) {
        return nic.getInterfaceAddresses().stream()
                .filter(ia -> ia.getAddress().equals(address))
                .findFirst()
                .orElse(null);
    }

    private static InetAddress parseIpv4(String s) {
        if (!s.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new Args.UsageException("serve: --address must be an IPv4 address, not '" + s + "'");
        }
        try {
            return InetAddress.getByName(s);
        } catch (UnknownHostException e) {
            throw new Args.UsageException("serve: --address " + s + ": " + e.getMessage());
        }
    }
}
