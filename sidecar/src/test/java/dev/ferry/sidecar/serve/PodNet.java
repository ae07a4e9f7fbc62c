package dev.ferry.sidecar.serve;

import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.NetNs;
import dev.ferry.testkit.Tools;
import dev.ferry.testkit.VethPair;
import java.util.List;

/**
 * A "pod" namespace, where Ferry runs on {@code veth0} (198.18.0.1), and a "client" namespace whose
 * kernel is the peer on {@code veth1} (198.18.0.2). 198.18.0.0/15 is the benchmarking range (RFC
 * 2544): nothing outside the two namespaces is ever addressed. Closing removes both namespaces.
 */
final class PodNet implements AutoCloseable {
    static final String POD_IF = "veth0";
    static final String CLIENT_IF = "veth1";
    static final String POD_V4 = "198.18.0.1";
    static final String CLIENT_V4 = "198.18.0.2";
    /** An address on the pod's link that the pod's kernel does not hold: only Ferry answers for it. */
    static final String FERRY_OWNED_V4 = "198.18.0.3";

    final NetNs pod;
    final NetNs client;
    final VethPair veth;

    PodNet(String label) {
        Tools.requireRoot();
        Tools.require("ip", "nft", "ethtool");
        NetNs p = NetNs.create(label + "-pod");
        NetNs c = null;
        VethPair v = null;
        try {
            c = NetNs.create(label + "-client");
            v = VethPair.create(p, POD_IF, c, CLIENT_IF);
            v.left().address(POD_V4 + "/24").up();
            v.right().address(CLIENT_V4 + "/24").up();
        } catch (RuntimeException e) {
            if (v != null) v.close();
            if (c != null) c.close();
            p.close();
            throw e;
        }
        this.pod = p;
        this.client = c;
        this.veth = v;
    }

    /** Runs a command in the client namespace and returns whatever happened. */
    Cmd.Result inClient(String... command) {
        return client.tryExec(command);
    }

    /** A counter of the client's interface ({@code rx_packets}, {@code tx_packets}, ...). */
    long clientLinkCounter(String name) {
        return Long.parseLong(client.exec("cat", "/sys/class/net/" + CLIENT_IF + "/statistics/" + name)
                .stdout()
                .strip());
    }

    /** Whether the pod namespace holds an nftables table Ferry installs to silence its kernel. */
    boolean podHasFerryTable() {
        return !podFerryTables().isEmpty();
    }

    /** Ferry's nftables tables in the pod namespace, as "family name". */
    List<String> podFerryTables() {
        return pod.exec("nft", "list", "tables")
                .stdout()
                .lines()
                .map(String::strip)
                .filter(l -> l.matches("table (inet|netdev) ferry(-[-0-9A-Za-z_]+)?"))
                .map(l -> l.substring("table ".length()))
                .toList();
    }

    /** The nftables tables of the pod namespace, for failure messages. */
    List<String> podTables() {
        return pod.exec("nft", "list", "tables").stdout().lines().toList();
    }

    @Override
    public void close() {
        veth.close();
        client.close();
        pod.close();
    }
}
