package dev.ferry.testkit;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Random packet loss inside a namespace (this kernel has no netem): an nftables table with one rule
 * {@code numgen random mod 100 < N drop} on the input or output hook. Put it in the PEER's
 * namespace when the other side captures with AF_PACKET: a packet tap sees frames before the
 * input hook, so loss on the capturing side would not hide frames from the ring.
 */
public final class NftLoss implements AutoCloseable {
    /** Which packets of the namespace lose: those it receives or those it sends. */
    public enum Direction {
        INPUT("input"),
        OUTPUT("output");

        private final String hook;

        Direction(String hook) {
            this.hook = hook;
        }
    }

    private static final Pattern PACKETS = Pattern.compile("counter packets (\\d+)");

    private final NetNs ns;
    private final String table;
    private final Direction direction;
    private final String match;
    private final Cleanup.Action removal;

    private NftLoss(NetNs ns, String table, Direction direction, String match) {
        this.ns = ns;
        this.table = table;
        this.direction = direction;
        this.match = match;
        this.removal = Cleanup.register(
                "nft table " + table + " in " + ns.name(), () -> ns.tryExec("nft", "delete", "table", "inet", table));
    }

    /** Drops {@code percent}% of all IP packets in {@code direction} inside {@code ns}. */
    public static NftLoss install(NetNs ns, Direction direction, int percent) {
        return install(ns, direction, percent, "");
    }

    /**
     * Drops {@code percent}% of the packets matching {@code match} (an nftables expression such as
     * {@code "tcp dport 80"}, or empty for every packet) in {@code direction} inside {@code ns}.
     */
    public static NftLoss install(NetNs ns, Direction direction, int percent, String match) {
        Tools.require("nft");
        String table = "ferry_loss_" + direction.hook;
        NftLoss loss = new NftLoss(ns, table, direction, match);
        try {
            loss.percent(percent);
        } catch (RuntimeException e) {
            loss.close();
            throw e;
        }
        return loss;
    }

    /** Changes the loss rate in place (0 stops the loss); one atomic nftables transaction. */
    public NftLoss percent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("loss percent must be 0..100, not " + percent);
        }
        // numgen yields 0..99, and nft refuses "< 100": total loss is a plain drop.
        String chance = percent == 100 ? "" : "numgen random mod 100 < " + percent + " ";
        String script = "table inet " + table + " {}\n"
                + "delete table inet " + table + "\n"
                + "table inet " + table + " {\n"
                + "  chain loss {\n"
                + "    type filter hook " + direction.hook + " priority 0; policy accept;\n"
                + "    " + match + " " + chance + "counter drop\n"
                + "  }\n"
                + "}\n";
        Cmd.Result r = Cmd.exec(ns.command("nft", "-f", "-"), script);
        if (!r.ok()) {
            throw new IllegalStateException("cannot install loss: " + r.describe() + "\n  script:\n" + script);
        }
        return this;
    }

    /** Packets dropped so far by the rule. */
    public long dropped() {
        String out = ns.exec("nft", "list", "chain", "inet", table, "loss").stdout();
        Matcher m = PACKETS.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no counter in: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** Removes the rule (the namespace's deletion would too). Idempotent. */
    @Override
    public void close() {
        removal.run();
    }

    List<String> describe() {
        return List.of(ns.name(), table, direction.hook, match);
    }
}
