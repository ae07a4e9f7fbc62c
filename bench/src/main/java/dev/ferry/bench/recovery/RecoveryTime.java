package dev.ferry.bench.recovery;

import dev.ferry.tcp.conn.TcpConfig;
import java.util.Arrays;
import java.util.Locale;

/**
 * Loss recovery compared in virtual time: a bulk transfer through {@link LossyTransfer} at 1%, 5%
 * and 10% random loss each way, without SACK (NewReno, RFC 6582), with SACK (RFC 6675 alone) and
 * with SACK and RACK-TLP (RFC 8985, the default), over a LAN-like and a WAN-like path. Prints a
 * Markdown table of the time to deliver the volume (median and mean over the seeds), RTOs and
 * retransmissions per run, what each RTO was about (see {@link LossyTransfer.RtoKind}), and
 * RACK-TLP's counters.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.ferry.bench.recovery.RecoveryTime [bytes] [seeds]</pre>
 *
 * Defaults: 2,000,000 bytes, seeds 1..20. Deterministic: the same arguments print the same table.
 */
public final class RecoveryTime {
    private static final long MS = 1_000_000L;

    /** The recovery a row measures. */
    private enum Recovery {
        NEW_RENO("NewReno"),
        SACK("SACK (RFC 6675)"),
        SACK_RACK_TLP("SACK + RACK-TLP");

        final String label;

        Recovery(String label) {
            this.label = label;
        }

        TcpConfig config() {
            return TcpConfig.builder()
                    .sack(this != NEW_RENO)
                    .rackTlp(this == SACK_RACK_TLP)
                    .maxRetransmits(40)
                    .build();
        }
    }

    private RecoveryTime() {}

    public static void main(String[] args) {
        long bytes = args.length > 0 ? Long.parseLong(args[0]) : 2_000_000;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        System.out.printf(
                Locale.ROOT,
                "%,d bytes, seeds 1..%d, default TcpConfig (256 KB buffers, MSS 1460, timestamps, min RTO 200 ms)%n%n",
                bytes,
                seeds);
        System.out.println("| path | loss each way | recovery | time to deliver: median / mean (ms) | RTOs per run"
                + " | RTOs: handshake / lost rtx / tail / few SACKs / ACKs lost / other | retransmits per run"
                + " | RACK losses / TLP probes / TLP recoveries per run | incomplete |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        long[][] paths = {{50_000L, 1_250_000_000L, 1 << 20}, {10 * MS, 12_500_000L, 256 * 1024}};
        String[] names = {"0.1 ms RTT, 10 Gb/s", "20 ms RTT, 100 Mb/s"};
        for (int p = 0; p < paths.length; p++) {
            for (double loss : new double[] {0.01, 0.05, 0.10}) {
                for (Recovery recovery : Recovery.values()) {
                    row(names[p], paths[p], loss, recovery, bytes, seeds);
                }
            }
        }
    }

    private static void row(String name, long[] path, double loss, Recovery recovery, long bytes, int seeds) {
        TcpConfig config = recovery.config();
        long[] times = new long[seeds];
        long timeouts = 0;
        long retransmits = 0;
        long rackLost = 0;
        long probes = 0;
        long probeRecoveries = 0;
        long[] kinds = new long[LossyTransfer.RtoKind.values().length];
        int incomplete = 0;
        int complete = 0;
        for (int seed = 1; seed <= seeds; seed++) {
            LossyTransfer.Outcome outcome =
                    new LossyTransfer(config, seed, loss, path[0], path[1], (int) path[2], bytes).run();
            timeouts += outcome.timeouts();
            retransmits += outcome.retransmits();
            rackLost += outcome.rackLost();
            probes += outcome.tlpProbes();
            probeRecoveries += outcome.tlpRecoveries();
            for (int k = 0; k < kinds.length; k++) {
                kinds[k] += outcome.rtoKinds()[k];
            }
            if (outcome.complete()) {
                times[complete++] = outcome.transferNs();
            } else {
                incomplete++;
            }
        }
        long[] done = Arrays.copyOf(times, complete);
        Arrays.sort(done);
        double medianMs = complete == 0 ? Double.NaN : done[complete / 2] / 1e6;
        double meanMs =
                complete == 0 ? Double.NaN : Arrays.stream(done).average().orElse(0) / 1e6;
        StringBuilder breakdown = new StringBuilder();
        for (int k = 0; k < kinds.length; k++) {
            breakdown.append(k == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%.1f", (double) kinds[k] / seeds));
        }
        System.out.printf(
                Locale.ROOT,
                "| %s | %.0f%% | %s | %,.1f / %,.1f | %.1f | %s | %.1f | %s | %d |%n",
                name,
                loss * 100,
                recovery.label,
                medianMs,
                meanMs,
                (double) timeouts / seeds,
                breakdown,
                (double) retransmits / seeds,
                recovery == Recovery.SACK_RACK_TLP
                        ? String.format(
                                Locale.ROOT,
                                "%.1f / %.1f / %.1f",
                                (double) rackLost / seeds,
                                (double) probes / seeds,
                                (double) probeRecoveries / seeds)
                        : "-",
                incomplete);
    }
}
