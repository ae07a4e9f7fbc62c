package dev.ferry.afpacket.nft;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps the kernel from answering the flows Ferry captures. AF_PACKET only gets a copy of each
 * frame: without this, the kernel would answer a captured SYN with a RST. The silencer installs an
 * nftables table (named per instance, {@code ferry} by default) whose one chain drops TCP to the
 * captured ports (and addresses) AFTER the packet taps have seen it: either on the {@code inet}
 * input hook (default) or, cheaper, on the {@code netdev} ingress hook of one device.
 *
 * <p>Each silencer owns its table alone: two processes that capture different ports or addresses in
 * one namespace give their silencers different {@linkplain Builder#table names}, so that neither
 * replaces nor removes the other's.
 *
 * <p>It never touches egress: a netdev egress rule on the captured device would also drop the
 * frames the ring sends. Installing replaces the table atomically (idempotent), and {@link
 * #remove()} deletes it whether or not it exists.
 *
 * <p>Needs {@code nft} and CAP_NET_ADMIN; both failures come with a message saying so.
 */
public final class NftSilencer implements AutoCloseable {
    /** The table name when none is given. */
    public static final String DEFAULT_TABLE = "ferry";

    private final List<String> nft;
    private final String family;
    private final String table;
    private final String script;

    private NftSilencer(List<String> nft, String family, String table, String script) {
        this.nft = nft;
        this.family = family;
        this.table = table;
        this.script = script;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** What to silence and how. */
    public static final class Builder {
        private final Set<Integer> ports = new LinkedHashSet<>();
        private final List<Inet4Address> v4 = new ArrayList<>();
        private final List<Inet6Address> v6 = new ArrayList<>();
        private String ingressDevice;
        private String table = DEFAULT_TABLE;
        private List<String> nft = List.of("nft");

        private Builder() {}

        /**
         * The table's name (default {@value #DEFAULT_TABLE}): one per silencing process, for
         * example {@link #tableFor}. Installing replaces a table of the same name and family,
         * which is what a restart after a crash wants.
         */
        public Builder table(String name) {
            if (!name.matches("[A-Za-z][A-Za-z0-9_-]{0,62}")) {
                throw new IllegalArgumentException(
                        "nftables table name must be a letter then up to 62 letters, digits, '_' or '-': " + name);
            }
            this.table = name;
            return this;
        }

        /** Drops TCP to these local ports (required). */
        public Builder ports(int... localPorts) {
            for (int p : localPorts) {
                if (p < 1 || p > 65535) {
                    throw new IllegalArgumentException("port " + p);
                }
                ports.add(p);
            }
            return this;
        }

        /** Only to these local addresses (default: any). */
        public Builder addresses(InetAddress... addresses) {
            for (InetAddress a : addresses) {
                if (a instanceof Inet4Address a4) {
                    v4.add(a4);
                } else {
                    v6.add((Inet6Address) a);
                }
            }
            return this;
        }

        /** Uses the netdev ingress hook of {@code device} instead of the inet input hook. */
        public Builder ingressDevice(String device) {
            this.ingressDevice = Objects.requireNonNull(device);
            return this;
        }

        /**
         * The command that runs nft (default {@code ["nft"]}); for example {@code ["ip", "netns",
         * "exec", "NS", "nft"]} to act on another namespace.
         */
        public Builder command(List<String> nftCommand) {
            this.nft = List.copyOf(nftCommand);
            return this;
        }

        /** The family the table goes in: {@code netdev} with an ingress device, else {@code inet}. */
        public String family() {
            return ingressDevice == null ? "inet" : "netdev";
        }

        /** Installs (or atomically replaces) the table and returns the handle that removes it. */
        public NftSilencer install() {
            if (ports.isEmpty()) {
                throw new IllegalStateException("no ports to silence");
            }
            String family = family();
            String hook = ingressDevice == null
                    ? "type filter hook input priority -200;"
                    : "type filter hook ingress device \"" + ingressDevice + "\" priority -500;";
            String portSet = "{ " + ports.stream().map(String::valueOf).collect(Collectors.joining(", ")) + " }";
            List<String> rules = new ArrayList<>();
            if (v4.isEmpty() && v6.isEmpty()) {
                rules.add("meta l4proto tcp tcp dport " + portSet + " counter drop");
            }
            if (!v4.isEmpty()) {
                rules.add("ip daddr " + set(v4) + " tcp dport " + portSet + " counter drop");
            }
            if (!v6.isEmpty()) {
                rules.add("ip6 daddr " + set(v6) + " tcp dport " + portSet + " counter drop");
            }
            // Declaring the table first makes the delete succeed when it is absent: one atomic
            // transaction replaces whatever was there.
            StringBuilder s = new StringBuilder()
                    .append("table ")
                    .append(family)
                    .append(' ')
                    .append(table)
                    .append(" {}\n")
                    .append("delete table ")
                    .append(family)
                    .append(' ')
                    .append(table)
                    .append('\n')
                    .append("table ")
                    .append(family)
                    .append(' ')
                    .append(table)
                    .append(" {\n")
                    .append("  chain silence {\n    ")
                    .append(hook)
                    .append(" policy accept;\n");
            for (String rule : rules) {
                s.append("    ").append(rule).append('\n');
            }
            s.append("  }\n}\n");
            NftSilencer silencer = new NftSilencer(nft, family, table, s.toString());
            silencer.run(silencer.script, "install the nftables table " + family + " " + table);
            return silencer;
        }

        private static String set(List<? extends InetAddress> addresses) {
            return "{ " + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", ")) + " }";
        }
    }

    /**
     * A table name for a process that captures TCP {@code port} on {@code address}: unique per
     * capture, and the same again when the process restarts.
     */
    public static String tableFor(InetAddress address, int port) {
        String a = address.getHostAddress().replace('.', '-').replace(':', '-').replace('%', '-');
        return DEFAULT_TABLE + "-" + a + "-" + port;
    }

    /** The table's name. */
    public String table() {
        return table;
    }

    /** The table's family: {@code inet} or {@code netdev}. */
    public String family() {
        return family;
    }

    /** The nftables script this silencer installed. */
    public String script() {
        return script;
    }

    /** The packets the drop rules have dropped so far (from their counters). */
    public long dropped() {
        String out = run(null, "list the nftables table " + table, "list", "table", family, table);
        long total = 0;
        for (String line : out.split("\n")) {
            int at = line.indexOf("counter packets ");
            if (at >= 0) {
                String rest = line.substring(at + "counter packets ".length()).trim();
                total += Long.parseLong(rest.substring(0, rest.indexOf(' ')));
            }
        }
        return total;
    }

    /** Deletes the table (idempotent). */
    public void remove() {
        run(
                "table " + family + " " + table + " {}\ndelete table " + family + " " + table + "\n",
                "remove the nftables table " + family + " " + table);
    }

    @Override
    public void close() {
        remove();
    }

    private String run(String stdin, String what, String... args) {
        List<String> command = new ArrayList<>(nft);
        if (stdin != null) {
            command.addAll(List.of("-f", "-"));
        }
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot " + what + ": nft not found (" + String.join(" ", command)
                            + "): install nftables (apt-get install nftables)",
                    e);
        }
        try {
            if (stdin != null) {
                process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("cannot " + what + ": nft did not finish");
            }
            if (process.exitValue() != 0) {
                if (output.contains("Operation not permitted") || output.contains("Permission denied")) {
                    throw new IllegalStateException("cannot " + what + ": needs CAP_NET_ADMIN (run the init step"
                            + " as root or grant NET_ADMIN)\n" + output.strip());
                }
                if (output.contains("No such file or directory") && output.contains("exec")) {
                    throw new IllegalStateException(
                            "cannot " + what + ": nft not found: install nftables\n" + output.strip());
                }
                throw new IllegalStateException("cannot " + what + ": " + String.join(" ", command) + " exited "
                        + process.exitValue() + "\n" + output.strip());
            }
            return output;
        } catch (IOException e) {
            throw new IllegalStateException("cannot " + what + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while trying to " + what, e);
        }
    }

    private String run(String stdin, String what) {
        return run(stdin, what, new String[0]);
    }
}
