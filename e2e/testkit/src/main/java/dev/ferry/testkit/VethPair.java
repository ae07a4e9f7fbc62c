package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.List;

/**
 * A veth pair whose two ends live in the given namespaces (or the initial namespace for {@code
 * null}). Created down and without addresses; {@link End} sets addresses, state, MTU and
 * offloads. {@link #close()} deletes the pair (deleting either end deletes both).
 */
public final class VethPair implements AutoCloseable {
    /** One end of the pair. */
    public static final class End {
        private final NetNs ns;
        private final String name;

        private End(NetNs ns, String name) {
            this.ns = ns;
            this.name = name;
        }

        /** The namespace this end lives in; null for the initial namespace. */
        public NetNs ns() {
            return ns;
        }

        /** The interface name inside its namespace. */
        public String name() {
            return name;
        }

        /** Adds an address in CIDR form ({@code 198.18.0.1/24}, {@code fd00:f::1/64}); no IPv6 DAD wait. */
        public End address(String cidr) {
            if (cidr.contains(":")) {
                ip("addr", "add", cidr, "dev", name, "nodad");
            } else {
                ip("addr", "add", cidr, "dev", name);
            }
            return this;
        }

        public End up() {
            ip("link", "set", "dev", name, "up");
            return this;
        }

        public End down() {
            ip("link", "set", "dev", name, "down");
            return this;
        }

        public End mtu(int mtu) {
            ip("link", "set", "dev", name, "mtu", Integer.toString(mtu));
            return this;
        }

        /**
         * Switches offload features with ethtool, e.g. {@code offloads(false, "tso", "gso", "gro",
         * "tx-checksumming")}. On veth the sending end decides what the receiver sees.
         */
        public End offloads(boolean on, String... features) {
            Tools.require("ethtool");
            List<String> command = new ArrayList<>(List.of("ethtool", "-K", name));
            for (String feature : features) {
                command.add(feature);
                command.add(on ? "on" : "off");
            }
            run(command);
            return this;
        }

        /** This end's MAC address as {@code aa:bb:cc:dd:ee:ff}. */
        public String mac() {
            String out =
                    run(List.of("cat", "/sys/class/net/" + name + "/address")).stdout();
            return out.strip();
        }

        /** Sets this end's MAC address ({@code aa:bb:cc:dd:ee:ff}). */
        public End mac(String mac) {
            ip("link", "set", "dev", name, "address", mac);
            return this;
        }

        /** Runs an arbitrary command in this end's namespace. */
        public Cmd.Result run(List<String> command) {
            return Cmd.run(ns == null ? command : Cmd.concat(ns.prefix(), command.toArray(String[]::new)));
        }

        private void ip(String... args) {
            run(Cmd.concat(List.of("ip"), args));
        }

        @Override
        public String toString() {
            return name + "@" + (ns == null ? "init" : ns.name());
        }
    }

    private final End left;
    private final End right;
    private final Cleanup.Action removal;

    private VethPair(End left, End right) {
        this.left = left;
        this.right = right;
        this.removal = Cleanup.register("veth " + left + " <-> " + right, this::delete);
    }

    /** A pair named {@code veth0} in {@code leftNs} and {@code veth1} in {@code rightNs}. */
    public static VethPair create(NetNs leftNs, NetNs rightNs) {
        return create(leftNs, "veth0", rightNs, "veth1");
    }

    /**
     * A pair between two namespaces. Names only need to be unique inside their namespace; a null
     * namespace means the initial one, where the kit picks a unique name instead of the given one.
     */
    public static VethPair create(NetNs leftNs, String leftName, NetNs rightNs, String rightName) {
        Tools.requireRoot();
        Tools.require("ip");
        Cleanup.sweepStale();
        String l = leftNs == null ? Names.rootInterface() : leftName;
        String r = rightNs == null ? Names.rootInterface() : rightName;
        List<String> command = new ArrayList<>(List.of("ip", "link", "add", "name", l));
        if (leftNs != null) {
            command.addAll(List.of("netns", leftNs.name()));
        }
        command.addAll(List.of("type", "veth", "peer", "name", r));
        if (rightNs != null) {
            command.addAll(List.of("netns", rightNs.name()));
        }
        Cmd.run(command);
        return new VethPair(new End(leftNs, l), new End(rightNs, r));
    }

    public End left() {
        return left;
    }

    public End right() {
        return right;
    }

    private void delete() {
        // Either end deletes both; the namespace may already be gone, which removed the pair.
        List<String> del = List.of("ip", "link", "del", left.name);
        Cmd.exec(left.ns == null ? del : Cmd.concat(left.ns.prefix(), del.toArray(String[]::new)), null);
    }

    @Override
    public void close() {
        removal.run();
    }
}
