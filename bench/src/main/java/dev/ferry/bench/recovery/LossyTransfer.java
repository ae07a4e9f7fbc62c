package dev.ferry.bench.recovery;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.ConnectionHost;
import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.StreamStats;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpCounter;
import dev.ferry.tcp.conn.TcpCounters;
import dev.ferry.tcp.conn.TcpListener;
import dev.ferry.tcp.conn.TcpState;
import dev.ferry.tcp.conn.TransferPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * One bulk transfer between two engine connections over a simulated path, in virtual time: a
 * propagation delay each way, a bottleneck of fixed rate behind a drop-tail queue, and each
 * packet (either way, handshake included) lost with the same seeded probability. The client
 * writes {@code bytes} as fast as its send buffer takes them; the result is the virtual time from
 * the client's open to the server application holding the last byte.
 *
 * <p>Deterministic: the same seed and settings give the same run. Uses only the engine's public
 * API, so the same harness measures any version of it.
 */
final class LossyTransfer {
    private static final long NO_DEADLINE = Long.MAX_VALUE;
    private static final long GIVE_UP_NS = 3_600_000_000_000L;
    private static final int CLIENT_ISS = 1_000;

    /** The outcome of one run; {@code rtoKinds} counts the client's RTOs by {@link RtoKind}. */
    record Outcome(
            long transferNs,
            long timeouts,
            long fastRetransmits,
            long retransmits,
            long[] rtoKinds,
            long rackLost,
            long tlpProbes,
            long tlpRecoveries,
            boolean complete) {}

    /**
     * What the path had done when a client RTO fired, judged from what the harness dropped and
     * delivered (ground truth the sender cannot see).
     */
    enum RtoKind {
        /** Our SYN (or its SYN-ACK) was lost. */
        HANDSHAKE,
        /** The latest transmission of an outstanding byte was a retransmission, and it was dropped. */
        LOST_RETRANSMISSION,
        /** Nothing above the first missing byte ever arrived: no SACK could have shown the loss. */
        TAIL,
        /** Some bytes above the first missing one arrived, but too few for DupThresh (3 segments). */
        FEW_SACKS,
        /** Every outstanding byte arrived: the ACKs were lost. */
        ACKS_LOST,
        /** Anything else (e.g. too few SACKs above a hole, or a late reaction). */
        OTHER
    }

    private record Event(long atNs, long order, Runnable action) implements Comparable<Event> {
        @Override
        public int compareTo(Event other) {
            int byTime = Long.compare(atNs, other.atNs);
            return byTime != 0 ? byTime : Long.compare(order, other.order);
        }
    }

    private record Packet(
            int flags,
            int seq,
            int ack,
            int window,
            int mss,
            int windowScale,
            boolean sackPermitted,
            boolean timestamps,
            int tsVal,
            int tsEcr,
            int[] sacks,
            byte[] payload) {
        static Packet of(SegmentOut out) {
            int[] sacks = new int[2 * out.sackBlockCount()];
            for (int i = 0; i < out.sackBlockCount(); i++) {
                sacks[2 * i] = out.sackLeft(i);
                sacks[2 * i + 1] = out.sackRight(i);
            }
            byte[] payload = new byte[out.payloadLength()];
            out.copyPayload(MemorySegment.ofArray(payload), 0);
            return new Packet(
                    out.flags(),
                    out.seq(),
                    out.ack(),
                    out.window(),
                    out.mss(),
                    out.windowScale(),
                    out.sackPermitted(),
                    out.hasTimestamps(),
                    out.tsVal(),
                    out.tsEcr(),
                    sacks,
                    payload);
        }

        /** What the link serializes: IPv4 + TCP headers, options as sent, payload, Ethernet. */
        int wireBytes() {
            return 14 + 40 + (timestamps ? 12 : 0) + (sacks.length > 0 ? 4 + 4 * sacks.length : 0) + payload.length;
        }

        SegmentIn fill(SegmentIn in) {
            in.clear().header(seq, ack, flags, window);
            if (mss >= 0) {
                in.mss(mss);
            }
            if (windowScale >= 0) {
                in.windowScale(windowScale);
            }
            in.sackPermitted(sackPermitted);
            if (timestamps) {
                in.timestamps(tsVal, tsEcr);
            }
            for (int i = 0; i < sacks.length; i += 2) {
                in.sackBlock(sacks[i], sacks[i + 1]);
            }
            return in.payload(MemorySegment.ofArray(payload), 0, payload.length);
        }
    }

    private final PriorityQueue<Event> events = new PriorityQueue<>();
    private final SplittableRandom random;
    private final double lossRate;
    private final long oneWayNs;
    private final long bytesPerSecond;
    private final int queueLimitBytes;
    private final long[] bottleneckFreeNs = new long[2];
    private final long bytes;
    private final End client;
    private final End server;
    private long nowNs;
    private long order;
    private long openedNs = -1;
    private long doneNs = -1;
    // Per client data byte (sequence number ISS + 1 + index): transmissions, whether the latest
    // was dropped, and whether any copy reached the server.
    private final byte[] transmissions;
    private final boolean[] lastDropped;
    private final boolean[] arrived;
    private final long[] rtoKinds = new long[RtoKind.values().length];

    LossyTransfer(
            TcpConfig config,
            long seed,
            double lossRate,
            long oneWayNs,
            long bytesPerSecond,
            int queueLimit,
            long bytes) {
        this.random = new SplittableRandom(seed);
        this.lossRate = lossRate;
        this.oneWayNs = oneWayNs;
        this.bytesPerSecond = bytesPerSecond;
        this.queueLimitBytes = queueLimit;
        this.bytes = bytes;
        this.transmissions = new byte[(int) bytes];
        this.lastDropped = new boolean[(int) bytes];
        this.arrived = new boolean[(int) bytes];
        this.client = new End(0, config);
        this.server = new End(1, config);
        client.peer = server;
        server.peer = client;
    }

    Outcome run() {
        TcpListener listener =
                new TcpListener(server.config, 4, 4, l -> l.accept().handler(new Reader()));
        server.listener = listener;
        client.connection = TcpConnection.connect(client.config, client, new Writer(), CLIENT_ISS, 7, nowNs);
        client.connection.flush(nowNs);
        while (doneNs < 0 && !events.isEmpty() && nowNs < GIVE_UP_NS) {
            Event next = events.poll();
            nowNs = next.atNs();
            next.action().run();
        }
        long retransmits = client.connection.stats(new StreamStats()).retransmits();
        TcpCounters counters = client.counters;
        return new Outcome(
                doneNs < 0 ? -1 : doneNs - openedNs,
                counters.get(TcpCounter.RETRANSMIT_TIMEOUT),
                counters.get(TcpCounter.FAST_RETRANSMIT),
                retransmits,
                rtoKinds.clone(),
                counters.get(TcpCounter.RACK_LOST),
                counters.get(TcpCounter.TLP_PROBE),
                counters.get(TcpCounter.TLP_RECOVERY),
                doneNs >= 0);
    }

    private void at(long atNs, Runnable action) {
        events.add(new Event(atNs, order++, action));
    }

    /** The path: serialization at the bottleneck, drop-tail queue, random loss, propagation. */
    private void carry(Packet packet, int direction, End to) {
        int wire = packet.wireBytes();
        long start = Math.max(nowNs, bottleneckFreeNs[direction]);
        long queued = (start - nowNs) * bytesPerSecond / 1_000_000_000L;
        if (queued + wire > queueLimitBytes) {
            noteData(packet, direction, true);
            return; // tail drop
        }
        long leaves = start + wire * 1_000_000_000L / bytesPerSecond;
        bottleneckFreeNs[direction] = leaves;
        if (random.nextDouble() < lossRate) {
            noteData(packet, direction, true);
            return;
        }
        noteData(packet, direction, false);
        at(leaves + oneWayNs, () -> {
            if (direction == 0) {
                for (int i = firstByte(packet); i < firstByte(packet) + packet.payload().length; i++) {
                    arrived[i] = true;
                }
            }
            to.receive(packet);
        });
    }

    private static int firstByte(Packet packet) {
        return packet.seq() - (CLIENT_ISS + 1);
    }

    private void noteData(Packet packet, int direction, boolean dropped) {
        if (direction != 0 || packet.payload().length == 0) {
            return;
        }
        for (int i = firstByte(packet); i < firstByte(packet) + packet.payload().length; i++) {
            if (transmissions[i] < Byte.MAX_VALUE) {
                transmissions[i]++;
            }
            lastDropped[i] = dropped;
        }
    }

    /** Classifies a client RTO by the outstanding bytes [una, max) as the path treated them. */
    private RtoKind classify(TcpState state, int una, int max) {
        if (state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED) {
            return RtoKind.HANDSHAKE;
        }
        int from = Math.max(0, una - (CLIENT_ISS + 1));
        int to = (int) Math.min(bytes, Math.max(0, max - (CLIENT_ISS + 1)));
        int firstMissing = -1;
        for (int i = from; i < to; i++) {
            if (!arrived[i] && lastDropped[i] && transmissions[i] > 1) {
                return RtoKind.LOST_RETRANSMISSION;
            }
            if (!arrived[i] && firstMissing < 0) {
                firstMissing = i;
            }
        }
        if (firstMissing < 0) {
            return RtoKind.ACKS_LOST;
        }
        int arrivedAbove = 0;
        for (int i = firstMissing; i < to; i++) {
            if (arrived[i]) {
                arrivedAbove++;
            }
        }
        if (arrivedAbove == 0) {
            return RtoKind.TAIL;
        }
        // RFC 6675's IsLost needs more than (DupThresh - 1) * SMSS bytes SACKed above.
        return arrivedAbove <= 2 * 1448 ? RtoKind.FEW_SACKS : RtoKind.OTHER;
    }

    /** The client application: writes the whole volume as fast as the send buffer takes it. */
    private final class Writer implements StreamHandler {
        private final MemorySegment chunk = Arena.ofAuto().allocate(65_536);
        private long written;

        @Override
        public void onOpen(Stream stream) {
            openedNs = nowNs;
            onWritable(stream, stream.writable());
        }

        @Override
        public void onWritable(Stream stream, int writable) {
            while (written < bytes) {
                int n = stream.write(chunk, 0, (int) Math.min(chunk.byteSize(), bytes - written));
                if (n <= 0) {
                    return;
                }
                written += n;
            }
        }

        @Override
        public void onData(Stream stream, int readable) {}

        @Override
        public void onClosed(Stream stream, CloseReason reason) {}
    }

    /** The server application: reads everything at once and notes when the last byte came. */
    private final class Reader implements StreamHandler {
        private final MemorySegment sink = Arena.ofAuto().allocate(1 << 20);
        private long received;

        @Override
        public void onData(Stream stream, int readable) {
            int n;
            while ((n = stream.read(sink, 0, (int) sink.byteSize())) > 0) {
                received += n;
            }
            if (received >= bytes && doneNs < 0) {
                doneNs = nowNs;
            }
        }

        @Override
        public void onClosed(Stream stream, CloseReason reason) {}
    }

    /** One side's host: the link, its timer, its flushes. */
    private final class End implements ConnectionHost {
        final int direction;
        final TcpConfig config;
        final SegmentOut out = new SegmentOut();
        final SegmentIn in = new SegmentIn();
        final BufferPool pool = new BufferPool(4096, 16_384, BufferPool.Memory.HEAP);
        final TransferPool transfers = new TransferPool();
        final TcpCounters counters = new TcpCounters();
        End peer;
        TcpListener listener;
        TcpConnection connection;
        long timerGeneration;
        boolean flushPending;

        End(int direction, TcpConfig config) {
            this.direction = direction;
            this.config = config;
        }

        void receive(Packet packet) {
            if (connection == null) {
                if (listener != null) {
                    connection = listener.onSyn(packet.fill(in), nowNs, this, 50_000, 11);
                }
                return;
            }
            connection.onSegment(packet.fill(in), nowNs);
        }

        @Override
        public boolean transmit(TcpConnection c, SegmentOut segment) {
            carry(Packet.of(segment), direction, peer);
            return true;
        }

        @Override
        public void deadline(TcpConnection c, long deadlineNs) {
            long generation = ++timerGeneration;
            if (deadlineNs != NO_DEADLINE) {
                at(Math.max(deadlineNs, nowNs), () -> {
                    if (generation == timerGeneration) {
                        TcpState state = c.state();
                        int una = c.sndUna();
                        int max = c.sndMax();
                        long before = counters.get(TcpCounter.RETRANSMIT_TIMEOUT);
                        c.onTimer(nowNs);
                        if (direction == 0 && counters.get(TcpCounter.RETRANSMIT_TIMEOUT) > before) {
                            rtoKinds[classify(state, una, max).ordinal()]++;
                        }
                    }
                });
            }
        }

        @Override
        public void requestOutput(TcpConnection c) {
            if (!flushPending) {
                flushPending = true;
                at(nowNs, () -> {
                    flushPending = false;
                    c.flush(nowNs);
                });
            }
        }

        @Override
        public boolean enteredTimeWait(TcpConnection c) {
            return false;
        }

        @Override
        public void closed(TcpConnection c, CloseReason reason) {}

        @Override
        public int mss(TcpConnection c) {
            return 1460;
        }

        @Override
        public int maxTxPayload(TcpConnection c) {
            return 1460;
        }

        @Override
        public SegmentOut segmentOut() {
            return out;
        }

        @Override
        public BufferPool bufferPool() {
            return pool;
        }

        @Override
        public TransferPool transferPool() {
            return transfers;
        }

        @Override
        public TcpCounters counters() {
            return counters;
        }
    }
}
