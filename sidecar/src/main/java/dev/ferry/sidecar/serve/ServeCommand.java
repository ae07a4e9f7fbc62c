package dev.ferry.sidecar.serve;

import dev.ferry.afpacket.AfPacketException;
import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.nft.NftSilencer;
import dev.ferry.tcp.conn.TcpCounter;
import dev.ferry.tcp.stack.StackConfig;
import dev.ferry.tcp.stack.StackCounter;
import dev.ferry.tcp.stack.StackCounters;
import java.io.PrintStream;
import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code ferry serve}: the engine on an interface's rings answering TCP on one port — the first
 * thing to run by hand, and what interop tests and benchmarks drive. Prints where it listens, then
 * a line of counters per interval; SIGINT/SIGTERM stop it and remove its nftables table.
 */
public final class ServeCommand {
    /** How long a signal waits for the sockets to close and the nftables table to go. */
    private static final long CLEANUP_WAIT_MS = 10_000;

    private ServeCommand() {}

    public static int run(List<String> argv) {
        if (argv.contains("--help")) {
            System.out.print(ServeOptions.USAGE);
            return 0;
        }
        ServeOptions options = ServeOptions.parse(argv);
        PrintStream out = System.out;
        List<ServeShard> shards = new ArrayList<>();
        NftSilencer silencer = null;
        // SIGTERM/SIGINT: the hook asks this thread to stop and waits until it has cleaned up, so the
        // sockets are never closed under the thread that reads their counters, and the nftables
        // table goes even when the signal comes while starting.
        CountDownLatch stopRequested = new CountDownLatch(1);
        CountDownLatch cleanedUp = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            stopRequested.countDown();
                            try {
                                cleanedUp.await(CLEANUP_WAIT_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        },
                        "ferry-serve-stop"));
        try {
            if (options.kernelOwnsAddress() && options.silence()) {
                silencer = silence(options);
            }
            StackConfig config = stackConfig(options);
            for (int i = 0; i < options.shards() && stopRequested.getCount() > 0; i++) {
                shards.add(new ServeShard(options, i, config));
            }
            out.printf(
                    "ferry serve: listening on %s:%d (interface %s, mode %s, %d shard%s, %s, %s)%n",
                    options.address().getHostAddress(),
                    options.port(),
                    options.interfaceName(),
                    options.mode().name().toLowerCase(java.util.Locale.ROOT),
                    options.shards(),
                    options.shards() == 1 ? "" : "s",
                    options.offload() ? "offload on" : "offload off",
                    silencer != null
                            ? "kernel silenced by nftables table " + silencer.family() + " " + silencer.table()
                            : "kernel not silenced");
            for (int i = 0; i < shards.size(); i++) {
                PacketSocket socket = shards.get(i).socket();
                if (socket.rx().mode() != RxMode.PEEK) {
                    // Light-load latency then waits for blocks to retire: say so where it shows.
                    out.printf(
                            "ferry serve: warning: shard %d reads its ring without PEEK: %s%n",
                            i, socket.rxModeReason());
                }
            }
            out.flush();
            report(options, shards, stopRequested, out);
            return 0;
        } catch (AfPacketException | IllegalStateException e) {
            System.err.println("ferry serve: " + e.getMessage());
            return 1;
        } finally {
            stop(shards, silencer);
            cleanedUp.countDown();
        }
    }

    /**
     * Installs the drop that keeps the kernel from answering the captured flows, in a table of this
     * address and port's own. The netdev ingress hook runs after the packet taps (the ring still
     * sees every frame) and before the kernel's IP input, so a drop there costs less than one on the
     * inet input hook; that one is the fallback when the ingress hook cannot be installed.
     */
    static NftSilencer silence(ServeOptions options) {
        java.util.function.Supplier<NftSilencer.Builder> builder = () -> NftSilencer.builder()
                .table(NftSilencer.tableFor(options.address(), options.port()))
                .ports(options.port())
                .addresses(options.address());
        if (options.silenceAtIngress()) {
            try {
                return builder.get().ingressDevice(options.interfaceName()).install();
            } catch (IllegalStateException e) {
                System.err.println("ferry serve: no netdev ingress drop ("
                        + e.getMessage().lines().findFirst().orElse("") + "); using the inet input hook");
            }
        }
        return builder.get().install();
    }

    static StackConfig stackConfig(ServeOptions options) {
        StackConfig.Builder b = StackConfig.builder();
        if (options.kernelOwnsAddress()) {
            b.address(options.address(), options.prefixLength());
        } else {
            b.ownedAddress((Inet4Address) options.address(), options.prefixLength());
        }
        return b.build();
    }

    /** Closes every shard, then removes the nftables table, whatever failed before. */
    private static void stop(List<ServeShard> shards, NftSilencer silencer) {
        for (ServeShard s : shards) {
            try {
                s.close();
            } catch (RuntimeException e) {
                System.err.println("ferry serve: closing a shard: " + e.getMessage());
            }
        }
        if (silencer != null) {
            try {
                silencer.close();
            } catch (IllegalStateException e) {
                System.err.println("ferry serve: " + e.getMessage());
            }
        }
    }

    /** Prints the counters every interval until stopped; a shard that failed ends the command. */
    private static void report(ServeOptions options, List<ServeShard> shards, CountDownLatch stopped, PrintStream out) {
        Totals last = Totals.of(shards);
        long intervalMs = options.statsIntervalMs() == 0 ? 1000 : options.statsIntervalMs();
        while (true) {
            try {
                if (stopped.await(intervalMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            for (ServeShard s : shards) {
                if (s.loop().failure() != null) {
                    throw new IllegalStateException("a shard failed", s.loop().failure());
                }
            }
            Totals now = Totals.of(shards);
            if (options.statsIntervalMs() > 0) {
                if (System.getenv("FERRY_DEBUG_FLOWS") != null) {
                    shards.forEach(s -> s.stack().forEachConnection(c -> out.println("  " + c)));
                }
                out.println(now.lineSince(last, intervalMs));
                out.flush();
            }
            last = now;
        }
    }

    /** Counters summed over the shards at one moment. */
    record Totals(
            long active,
            long timeWait,
            long accepted,
            long closed,
            long requests,
            long framesIn,
            long framesOut,
            long retransmits,
            long rstClosedPort,
            long ringDrops,
            long txRingFull) {
        static Totals of(List<ServeShard> shards) {
            long active = 0,
                    timeWait = 0,
                    accepted = 0,
                    closed = 0,
                    requests = 0,
                    in = 0,
                    outFrames = 0,
                    rtx = 0,
                    rst = 0,
                    drops = 0,
                    txFull = 0;
            for (ServeShard s : shards) {
                StackCounters c = s.stack().counters();
                int flows = s.stack().flowCount();
                active += flows;
                // A connection that reached TIME_WAIT is counted as compacted and never as closed.
                long live = c.get(StackCounter.CONNECTIONS_OPENED)
                        - c.get(StackCounter.CONNECTIONS_CLOSED)
                        - c.get(StackCounter.TIME_WAIT_COMPACTED);
                timeWait += Math.max(0, flows - live);
                accepted += s.stats.acceptedCount();
                closed += s.stats.closedCount();
                requests += s.stats.requestCount();
                in += s.stack().counters().get(StackCounter.FRAMES_IN);
                outFrames += s.stack().counters().get(StackCounter.FRAMES_OUT);
                rtx += s.stack().tcpCounters().get(TcpCounter.RETRANSMIT_TIMEOUT)
                        + s.stack().tcpCounters().get(TcpCounter.FAST_RETRANSMIT);
                rst += s.stack().counters().get(StackCounter.RST_CLOSED_PORT);
                drops += s.socket().statistics().drops();
                txFull += c.get(StackCounter.TX_RING_FULL);
            }
            return new Totals(active, timeWait, accepted, closed, requests, in, outFrames, rtx, rst, drops, txFull);
        }

        String lineSince(Totals t, long intervalMs) {
            double perSecond = 1000.0 / intervalMs;
            return String.format(
                    "flows %d (time-wait %d) | accepted %.0f/s closed %.0f/s requests %.0f/s | frames in %.0f/s out %.0f/s |"
                            + " retransmits %d, resets to closed port %d, ring drops %d, tx ring full %d",
                    active,
                    timeWait,
                    (accepted - t.accepted) * perSecond,
                    (closed - t.closed) * perSecond,
                    (requests - t.requests) * perSecond,
                    (framesIn - t.framesIn) * perSecond,
                    (framesOut - t.framesOut) * perSecond,
                    retransmits,
                    rstClosedPort,
                    ringDrops,
                    txRingFull);
        }
    }
}
