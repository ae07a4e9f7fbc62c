package dev.ferry.afpacket.tools;

import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.shard.RingLink;
import dev.ferry.afpacket.shard.ShardLoop;
import dev.ferry.afpacket.shard.ShardWork;
import dev.ferry.tcp.link.FrameReceiver;
import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Measures packet-to-user latency on an RX ring: a kernel sender (any command, typically
 * {@code python3} in a peer namespace) sends UDP datagrams whose first 8 bytes are its {@code
 * time.monotonic_ns()}; a {@link ShardLoop} receives them and subtracts from {@link
 * System#nanoTime()} (the same CLOCK_MONOTONIC). Prints one line: the mode, the latency
 * percentiles, and the shard thread's CPU use while idle and during the run.
 *
 * <pre>
 * java -cp ... dev.ferry.afpacket.tools.RxLatency --if veth0 --port 9999 --mode peek --tov 10 \
 *      --doorbell --spin-us 200 --label "peek+doorbell+spin" -- ip netns exec PEER python3 sender.py
 * </pre>
 *
 * Datagrams whose bytes 8..11 are 0xFFFFFFFF are warm-up and not counted.
 */
public final class RxLatency {
    private static final ValueLayout.OfLong BE64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private RxLatency() {}

    public static void main(String[] args) throws Exception {
        String ifname = "veth0";
        int port = 9999;
        RxMode mode = RxMode.RETIRE_ONLY;
        int tov = 10;
        boolean doorbell = false;
        long spinNs = 0;
        String label = null;
        long idleMs = 2000;
        int fifo = 0;
        List<String> sender = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--if" -> ifname = args[++i];
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--mode" -> mode = args[++i].equals("peek") ? RxMode.PEEK : RxMode.RETIRE_ONLY;
                case "--tov" -> tov = Integer.parseInt(args[++i]);
                case "--doorbell" -> doorbell = true;
                case "--spin-us" -> spinNs = Long.parseLong(args[++i]) * 1000;
                case "--label" -> label = args[++i];
                case "--idle-ms" -> idleMs = Long.parseLong(args[++i]);
                case "--fifo" -> fifo = Integer.parseInt(args[++i]);
                case "--" -> {
                    sender.addAll(Arrays.asList(args).subList(i + 1, args.length));
                    i = args.length;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        if (sender.isEmpty()) {
            throw new IllegalArgumentException("give the sender command after --");
        }
        try (PacketSocket socket = PacketSocket.builder(ifname)
                .rxMode(mode)
                .doorbell(doorbell)
                .retireTimeoutMs(tov)
                .txRing(0, 0)
                .filter(dev.ferry.afpacket.bpf.UdpFilter.to(port))
                .open()) {
            Recorder recorder = new Recorder(port, 1 << 20, socket.rx());
            int shardPriority = fifo;
            ShardWork nothing = new ShardWork() {
                private boolean started;

                @Override
                public int doWork(long nowNs) {
                    if (!started && shardPriority > 0) {
                        // Only the shard thread: JIT and GC threads stay at normal priority.
                        dev.ferry.afpacket.internal.Scheduling.currentThreadFifo(shardPriority);
                    }
                    started = true;
                    return 0;
                }

                @Override
                public long nextDeadlineNs() {
                    return Long.MAX_VALUE;
                }
            };
            try (ShardLoop loop = ShardLoop.builder(new RingLink(socket), recorder, nothing)
                    .spinNs(spinNs)
                    .name("latency-shard")
                    .start()) {
                // Idle CPU: no traffic at all.
                long idleCpu0 = loop.threadCpuTimeNs();
                long idleWall0 = System.nanoTime();
                Thread.sleep(idleMs);
                double idleCpu = 100.0 * (loop.threadCpuTimeNs() - idleCpu0) / (System.nanoTime() - idleWall0);

                long runCpu0 = loop.threadCpuTimeNs();
                long runWall0 = System.nanoTime();
                Process p = new ProcessBuilder(sender).inheritIO().start();
                if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                    throw new IOException("sender failed: " + sender);
                }
                long runWall = System.nanoTime() - runWall0;
                double runCpu = 100.0 * (loop.threadCpuTimeNs() - runCpu0) / runWall;
                Thread.sleep(Math.max(50, 3L * tov)); // stragglers in a block that has yet to retire
                long[] samples = recorder.samples();
                Arrays.sort(samples);
                System.out.printf(
                        "%-28s mode=%s(%s) n=%d p50=%.1fus p90=%.1fus p99=%.1fus max=%.1fus idleCpu=%.2f%% runCpu=%.1f%%"
                                + " readEarly=%d/%d%n",
                        label == null ? mode + " tov=" + tov : label,
                        socket.rx().mode(),
                        socket.rxModeReason(),
                        samples.length,
                        pct(samples, 0.50),
                        pct(samples, 0.90),
                        pct(samples, 0.99),
                        samples.length == 0 ? Double.NaN : samples[samples.length - 1] / 1000.0,
                        idleCpu,
                        runCpu,
                        socket.rx().framesReadEarly() - recorder.earlyAtStart,
                        socket.rx().framesRead() - recorder.readAtStart);
            }
        }
    }

    private static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1000.0;
    }

    /** Records one latency per datagram, allocation-free. */
    private static final class Recorder implements FrameReceiver {
        private final int port;
        private final long[] latencies;
        private final dev.ferry.afpacket.RxRing rx;
        private int count;
        long earlyAtStart;
        long readAtStart;

        Recorder(int port, int capacity, dev.ferry.afpacket.RxRing rx) {
            this.port = port;
            this.latencies = new long[capacity];
            this.rx = rx;
        }

        @Override
        public void onFrame(java.lang.foreign.MemorySegment m, long at, int length, dev.ferry.tcp.link.RxChecksum c) {
            long nowNs = System.nanoTime();
            int ihl = (m.get(ValueLayout.JAVA_BYTE, at + 14) & 0xF) * 4;
            long udp = at + 14 + ihl;
            if (length < 14 + ihl + 8 + 12 || Short.toUnsignedInt(m.get(BE16, udp + 2)) != port) {
                return;
            }
            long sentNs = m.get(BE64, udp + 8);
            int sequence = m.get(BE32, udp + 16);
            if (sequence != -1 && count == 0) {
                // Count early reads from the first measured datagram on (warm-up excluded).
                earlyAtStart = rx.framesReadEarly() - 1;
                readAtStart = rx.framesRead() - 1;
            }
            if (sequence != -1 && count < latencies.length) {
                latencies[count++] = nowNs - sentNs;
            }
        }

        long[] samples() {
            return Arrays.copyOf(latencies, count);
        }
    }
}
