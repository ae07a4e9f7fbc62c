package dev.ferry.tcp.stack;

import dev.ferry.tcp.link.MemoryLink;
import dev.ferry.tcp.link.RxChecksum;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;

/**
 * Two whole stacks joined by a simulated wire with a virtual clock. Frames a stack flushes are
 * delivered to the other after a delay, and may be lost, duplicated, reordered (by random extra
 * delay) or corrupted (one random byte flipped), all drawn from one seeded generator so a run
 * replays exactly.
 */
final class VirtualNetwork {
    /** What the wire does to frames; percentages of frames. */
    record Impairments(int lossPct, int duplicatePct, int reorderPct, int corruptPct, long delayNs, long jitterNs) {
        static final Impairments NONE = new Impairments(0, 0, 0, 0, 50_000, 0);
    }

    private record InFlight(long atNs, long order, boolean toB, byte[] frame, RxChecksum checksum)
            implements Comparable<InFlight> {
        @Override
        public int compareTo(InFlight o) {
            return atNs != o.atNs ? Long.compare(atNs, o.atNs) : Long.compare(order, o.order);
        }
    }

    static final long MAC_A = 0x02_00_00_00_00_0aL;
    static final long MAC_B = 0x02_00_00_00_00_0bL;

    final MemoryLink linkA;
    final MemoryLink linkB;
    private final PriorityQueue<InFlight> inFlight = new PriorityQueue<>();
    private final SplittableRandom random;
    private Impairments impairments;
    private long order;
    long nowNs;
    long framesSent;
    long framesLost;
    long framesCorrupted;

    VirtualNetwork(long seed, Impairments impairments, boolean offload) {
        this.random = new SplittableRandom(seed);
        this.impairments = impairments;
        this.linkA = new MemoryLink(MAC_A, 1500, offload ? 65000 : 1460, offload, 512);
        this.linkB = new MemoryLink(MAC_B, 1500, offload ? 65000 : 1460, offload, 512);
        linkA.connectTo((frame, checksum) -> send(true, frame, checksum));
        linkB.connectTo((frame, checksum) -> send(false, frame, checksum));
    }

    void impairments(Impairments impairments) {
        this.impairments = impairments;
    }

    private void send(boolean toB, byte[] frame, RxChecksum checksum) {
        framesSent++;
        if (random.nextInt(100) < impairments.lossPct()) {
            framesLost++;
            return;
        }
        int copies = random.nextInt(100) < impairments.duplicatePct() ? 2 : 1;
        for (int i = 0; i < copies; i++) {
            byte[] bytes = frame.clone();
            RxChecksum sum = checksum;
            // Ethernet's FCS stops frames damaged on the wire; what gets through is damage done
            // past it (a router's memory), which only the IP and TCP checksums can catch. ARP never
            // crosses a router, so it is never damaged that way, and the Ethernet header is written
            // fresh by the last router.
            if (random.nextInt(100) < impairments.corruptPct() && !isArp(bytes)) {
                // Past the Ethernet header: a router builds that header anew.
                bytes[14 + random.nextInt(bytes.length - 14)] ^= (byte) (1 + random.nextInt(255));
                framesCorrupted++;
                sum = RxChecksum.UNKNOWN; // a wire flipped it: nobody vouches for it any more
            }
            long delay = impairments.delayNs();
            if (impairments.jitterNs() > 0 && random.nextInt(100) < impairments.reorderPct()) {
                delay += random.nextLong(impairments.jitterNs());
            }
            inFlight.add(new InFlight(nowNs + delay, order++, toB, bytes, sum));
        }
    }

    private static boolean isArp(byte[] frame) {
        return frame.length > 13 && frame[12] == 0x08 && frame[13] == 0x06;
    }

    /**
     * Runs both stacks until {@code done} holds or the virtual clock passes {@code limitNs} from
     * now; returns whether {@code done} held.
     */
    boolean runUntil(TcpStack a, TcpStack b, BooleanSupplier done, long limitNs) {
        long endNs = nowNs + limitNs;
        int idleTurns = 0;
        while (nowNs <= endNs) {
            int work = a.poll(nowNs) + b.poll(nowNs);
            int delivered = deliverDue();
            if (done.getAsBoolean()) {
                return true;
            }
            if (work + delivered > 0 && idleTurns++ < 10_000) {
                continue; // more may follow at this instant (answers to what was just delivered)
            }
            idleTurns = 0;
            long next = Math.min(nextDelivery(), Math.min(a.nextDeadlineNs(), b.nextDeadlineNs()));
            nowNs = Math.max(nowNs + 1_000, Math.min(next, endNs + 1));
        }
        return done.getAsBoolean();
    }

    private int deliverDue() {
        int n = 0;
        while (!inFlight.isEmpty() && inFlight.peek().atNs() <= nowNs) {
            InFlight f = inFlight.poll();
            (f.toB() ? linkB : linkA).inject(f.frame(), f.checksum());
            n++;
        }
        return n;
    }

    private long nextDelivery() {
        return inFlight.isEmpty() ? Long.MAX_VALUE : inFlight.peek().atNs();
    }
}
