package dev.ferry.bench.conn;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.ConnectionHost;
import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpCounters;
import dev.ferry.tcp.conn.TcpListener;
import dev.ferry.tcp.conn.TransferPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Two connections back to back in memory, with hosts that allocate nothing per segment: a
 * transmitted segment is copied into a preallocated slot (header fields and payload bytes) and
 * handed to the peer after the sender's call returns, as a shard would handle it on its next
 * pass. For benchmarks and footprint measurements, not tests.
 */
public final class Pair {
    private static final int SLOTS = 256;

    /** The segments in flight, shared by every pair of one thread (they run one at a time). */
    public static final class Wire {
        final SegmentIn in = new SegmentIn();
        final SegmentOut out = new SegmentOut();
        final TcpCounters counters = new TcpCounters();
        final TransferPool transfers = new TransferPool();
        final MemorySegment slotMemory = Arena.ofAuto().allocate(SLOTS * 65_536L, 64);
        final int[] slotTo = new int[SLOTS];
        final int[] slotFlags = new int[SLOTS];
        final int[] slotSeq = new int[SLOTS];
        final int[] slotAck = new int[SLOTS];
        final int[] slotWindow = new int[SLOTS];
        final int[] slotOptions = new int[SLOTS * 6];
        final int[] slotLength = new int[SLOTS];
        final MemorySegment scratch = Arena.ofAuto().allocate(1 << 20, 64);
        int head;
        int count;
    }

    public final End client;
    public final End server;
    private final Wire wire;
    private final SegmentIn in;
    private final SegmentOut out;
    private final TcpCounters counters;
    private final TransferPool transfers;
    private final BufferPool pool;
    private final MemorySegment slotMemory;
    private final int[] slotTo;
    private final int[] slotFlags;
    private final int[] slotSeq;
    private final int[] slotAck;
    private final int[] slotWindow;
    private final int[] slotOptions;
    private final int[] slotLength;
    public long nowNs = 1_000_000_000L;
    private final TcpListener listener;

    /** The application side of an end: reads everything it is told about into a scratch area. */
    public static final class Sink implements StreamHandler {
        private final MemorySegment scratch;
        public long received;

        Sink(MemorySegment scratch) {
            this.scratch = scratch;
        }

        @Override
        public void onData(Stream stream, int readable) {
            int n;
            while ((n = stream.read(scratch, 0, (int) scratch.byteSize())) > 0) {
                received += n;
            }
        }

        @Override
        public void onClosed(Stream stream, CloseReason reason) {}
    }

    /** One side's host. */
    public final class End implements ConnectionHost {
        final int index;
        public TcpConnection connection;
        public final Sink sink = new Sink(wireScratch());
        public long deadlineNs = Long.MAX_VALUE;
        int mss = 1460;
        int maxTx = 1460;

        End(int index) {
            this.index = index;
        }

        @Override
        public boolean transmit(TcpConnection c, SegmentOut segment) {
            if (wire.count == SLOTS) {
                return false;
            }
            int slot = (wire.head + wire.count++) % SLOTS;
            slotTo[slot] = 1 - index;
            slotFlags[slot] = segment.flags();
            slotSeq[slot] = segment.seq();
            slotAck[slot] = segment.ack();
            slotWindow[slot] = segment.window();
            slotOptions[slot * 6] = segment.mss();
            slotOptions[slot * 6 + 1] = segment.windowScale();
            slotOptions[slot * 6 + 2] = segment.sackPermitted() ? 1 : 0;
            slotOptions[slot * 6 + 3] = segment.hasTimestamps() ? 1 : 0;
            slotOptions[slot * 6 + 4] = segment.tsVal();
            slotOptions[slot * 6 + 5] = segment.tsEcr();
            slotLength[slot] = segment.payloadLength();
            segment.copyPayload(slotMemory, slot * 65_536L);
            return true;
        }

        @Override
        public void deadline(TcpConnection c, long ns) {
            deadlineNs = ns;
        }

        @Override
        public void requestOutput(TcpConnection c) {
            pendingFlush[index] = true;
        }

        @Override
        public boolean enteredTimeWait(TcpConnection c) {
            return false;
        }

        @Override
        public void closed(TcpConnection c, CloseReason reason) {}

        @Override
        public int mss(TcpConnection c) {
            return mss;
        }

        @Override
        public int maxTxPayload(TcpConnection c) {
            return maxTx;
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

    private final boolean[] pendingFlush = new boolean[2];

    private MemorySegment wireScratch() {
        return wire.scratch;
    }

    public Pair(TcpConfig config, BufferPool pool) {
        this(config, pool, new Wire());
    }

    public Pair(TcpConfig config, BufferPool pool, Wire wire) {
        this.wire = wire;
        this.in = wire.in;
        this.out = wire.out;
        this.counters = wire.counters;
        this.transfers = wire.transfers;
        this.slotMemory = wire.slotMemory;
        this.slotTo = wire.slotTo;
        this.slotFlags = wire.slotFlags;
        this.slotSeq = wire.slotSeq;
        this.slotAck = wire.slotAck;
        this.slotWindow = wire.slotWindow;
        this.slotOptions = wire.slotOptions;
        this.slotLength = wire.slotLength;
        this.pool = pool;
        this.client = new End(0);
        this.server = new End(1);
        this.listener = new TcpListener(config, 4, 4, l -> {
            Stream s = l.accept();
            s.handler(server.sink);
        });
        client.connection = TcpConnection.connect(config, client, client.sink, 1000, 17, nowNs);
        run();
    }

    /** Sets the largest payload per frame (above the MSS: segmentation offload). */
    public void maxTxPayload(int bytes) {
        client.maxTx = bytes;
        server.maxTx = bytes;
    }

    /** Delivers everything in flight and runs requested flushes until quiet. */
    public void run() {
        while (true) {
            if (pendingFlush[0]) {
                pendingFlush[0] = false;
                client.connection.flush(nowNs);
            }
            if (pendingFlush[1]) {
                pendingFlush[1] = false;
                if (server.connection != null) {
                    server.connection.flush(nowNs);
                }
            }
            if (wire.count == 0) {
                if (!pendingFlush[0] && !pendingFlush[1]) {
                    return;
                }
                continue;
            }
            int slot = wire.head;
            wire.head = (wire.head + 1) % SLOTS;
            wire.count--;
            deliver(slot);
        }
    }

    private void deliver(int slot) {
        in.clear().header(slotSeq[slot], slotAck[slot], slotFlags[slot], slotWindow[slot]);
        in.mss(slotOptions[slot * 6]).windowScale(slotOptions[slot * 6 + 1]);
        in.sackPermitted(slotOptions[slot * 6 + 2] == 1);
        if (slotOptions[slot * 6 + 3] == 1) {
            in.timestamps(slotOptions[slot * 6 + 4], slotOptions[slot * 6 + 5]);
        }
        in.payload(slotMemory, slot * 65_536L, slotLength[slot]);
        End to = slotTo[slot] == 0 ? client : server;
        if (to.connection == null) {
            to.connection = listener.onSyn(in, nowNs, to, 5000, 23);
        } else {
            to.connection.onSegment(in, nowNs);
        }
    }

    /** Fires due timers. */
    public void timers() {
        fire(client);
        fire(server);
        run();
    }

    private void fire(End end) {
        if (end.connection != null && end.deadlineNs <= nowNs) {
            end.deadlineNs = Long.MAX_VALUE;
            end.connection.onTimer(nowNs);
        }
    }
}
