package dev.ferry.tcp.conn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Drives ONE connection with hand-made segments and captures what it sends, in the style of
 * smoltcp's socket tests and gVisor's packetimpact: {@code send(seg()...)} then {@code
 * expect()...}. The fixture plays the host (transmit, deadline, lifecycle) with a manual clock,
 * and a recording handler plays the application.
 */
final class Fixture implements ConnectionHost {
    static final int ISS = 1000;
    static final int PEER_ISS = 50_000;
    static final int TS_OFFSET = 7_000;
    static final long MS = 1_000_000L;

    final TcpCounters counters = new TcpCounters();
    final BufferPool pool = new BufferPool(1024, 4096, BufferPool.Memory.HEAP);
    final TransferPool transfers = new TransferPool();
    final SegmentOut out = new SegmentOut();
    final SegmentIn in = new SegmentIn();
    final ArrayDeque<Sent> sent = new ArrayDeque<>();
    final List<TcpConnection> outputRequests = new ArrayList<>();
    final Recorder app = new Recorder();
    final TcpConfig config;
    long now = 1_000 * MS;
    long deadline = Long.MAX_VALUE;
    int deadlineReports;
    int mss = 1460;
    int maxTxPayload = 1460;
    boolean txFull;
    TcpConnection conn;
    TcpListener listener;
    CloseReason hostClosed;
    boolean timeWaitEntered;
    Sent synAck;

    Fixture(TcpConfig config) {
        this.config = config;
    }

    // ------------------------------------------------------------ openings

    /** An active open: SYN sent and checked, nothing else yet. */
    static Fixture synSent(TcpConfig config) {
        Fixture f = new Fixture(config);
        f.conn = TcpConnection.connect(config, f, f.app, ISS, TS_OFFSET, f.now);
        f.runOutput();
        Sent syn = f.expect(TcpFlags.SYN);
        assertThat(syn.seq).isEqualTo(ISS);
        return f;
    }

    /** An active open answered with a SYN-ACK offering all options; the final ACK checked. */
    static Fixture establishedActive(TcpConfig config) {
        return establishedActive(config, 0);
    }

    /** The same, with the SYN-ACK arriving {@code handshakeRttNs} after the SYN: the first RTT sample. */
    static Fixture establishedActive(TcpConfig config, long handshakeRttNs) {
        Fixture f = synSent(config);
        f.now += handshakeRttNs;
        f.send(f.seg()
                .seq(PEER_ISS)
                .ack(ISS + 1)
                .flags(TcpFlags.SYN | TcpFlags.ACK)
                .window(65535)
                .mss(1460)
                .ws(7)
                .sackOk()
                .ts(100, f.lastTsVal()));
        f.expect(TcpFlags.ACK).ack(PEER_ISS + 1);
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        assertThat(f.app.events).containsExactly("open");
        return f;
    }

    /** A listener's connection in SYN_RECEIVED, its SYN-ACK checked. */
    static Fixture synReceived(TcpConfig config) {
        Fixture f = new Fixture(config);
        f.listener = new TcpListener(config, 8, 8, l -> f.app.events.add("acceptable"));
        SegmentIn syn = f.seg()
                .seq(PEER_ISS)
                .flags(TcpFlags.SYN)
                .window(65535)
                .mss(1460)
                .ws(7)
                .sackOk()
                .ts(100, 0)
                .build(f.in);
        f.conn = f.listener.onSyn(syn, f.now, f, ISS, TS_OFFSET);
        assertThat(f.conn).isNotNull();
        f.runOutput();
        f.synAck = f.expect(TcpFlags.SYN | TcpFlags.ACK).seq(ISS).ack(PEER_ISS + 1);
        assertThat(f.synAck.mss).isEqualTo(1460);
        return f;
    }

    /** A passive open completed and accepted, with {@link #app} as handler. */
    static Fixture establishedPassive(TcpConfig config) {
        Fixture f = synReceived(config);
        f.send(f.ack(PEER_ISS + 1, ISS + 1));
        assertThat(f.conn.state()).isEqualTo(TcpState.ESTABLISHED);
        Stream accepted = f.listener.accept();
        assertThat(accepted).isSameAs(f.conn);
        accepted.handler(f.app);
        f.app.events.clear();
        f.runOutput();
        f.expectNothing();
        return f;
    }

    // ------------------------------------------------------------ driving

    SegBuilder seg() {
        return new SegBuilder();
    }

    /** A bare ACK from the peer with timestamps when they were negotiated. */
    SegBuilder ack(int seq, int ack) {
        return withTs(seg().seq(seq).ack(ack).flags(TcpFlags.ACK).window(65535));
    }

    /** A data segment from the peer. */
    SegBuilder data(int seq, int ack, byte[] payload) {
        return ack(seq, ack).payload(payload);
    }

    SegBuilder withTs(SegBuilder b) {
        return conn != null && conn.timestampsEnabled() ? b.ts(peerTsVal++, lastTsVal()) : b;
    }

    int peerTsVal = 200;

    /** Delivers a segment, then runs any output the connection asked for. */
    void send(SegBuilder b) {
        conn.onSegment(b.build(in), now);
        runOutput();
    }

    /** Moves the clock and fires the deadline if it passed (repeatedly, like a timing wheel). */
    void advance(long ns) {
        long target = now + ns;
        while (deadline <= target) {
            now = Math.max(now, deadline);
            deadline = Long.MAX_VALUE;
            conn.onTimer(now);
            runOutput();
        }
        now = target;
    }

    /** Runs the flushes the connection requested: one turn (a request made during it waits). */
    void runOutput() {
        List<TcpConnection> turn = new ArrayList<>(outputRequests);
        outputRequests.clear();
        for (TcpConnection c : turn) {
            c.flush(now);
        }
    }

    /** Application write of {@code n} pattern bytes; returns what was taken. */
    int write(byte[] data) {
        int n = conn.write(data, 0, data.length);
        runOutput();
        return n;
    }

    byte[] readAll() {
        byte[] buffer = new byte[1 << 20];
        int n = conn.read(buffer, 0, buffer.length);
        runOutput();
        return n <= 0 ? new byte[0] : Arrays.copyOf(buffer, n);
    }

    // ------------------------------------------------------------ expectations

    /** The next sent segment, which must have exactly {@code flags} (PSH ignored). */
    Sent expect(int flags) {
        if (sent.isEmpty()) {
            fail("expected a segment with " + TcpFlags.toString(flags) + " but nothing was sent; " + conn);
        }
        Sent s = sent.removeFirst();
        assertThat(TcpFlags.toString(s.flags & ~TcpFlags.PSH))
                .as("flags of %s", s)
                .isEqualTo(TcpFlags.toString(flags));
        return s;
    }

    void expectNothing() {
        assertThat(sent).as("segments sent").isEmpty();
    }

    int lastTsVal() {
        return (int) (now / MS) + TS_OFFSET;
    }

    // ------------------------------------------------------------ ConnectionHost

    @Override
    public boolean transmit(TcpConnection connection, SegmentOut segment) {
        if (txFull) {
            return false;
        }
        sent.addLast(Sent.of(segment));
        return true;
    }

    @Override
    public void deadline(TcpConnection connection, long deadlineNs) {
        deadline = deadlineNs;
        deadlineReports++;
    }

    @Override
    public void requestOutput(TcpConnection connection) {
        outputRequests.add(connection);
    }

    @Override
    public boolean enteredTimeWait(TcpConnection connection) {
        timeWaitEntered = true;
        return false;
    }

    @Override
    public void closed(TcpConnection connection, CloseReason reason) {
        assertThat(hostClosed).as("closed reported once").isNull();
        hostClosed = reason;
        deadline = Long.MAX_VALUE;
    }

    @Override
    public int mss(TcpConnection connection) {
        return mss;
    }

    @Override
    public int maxTxPayload(TcpConnection connection) {
        return maxTxPayload;
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

    // ------------------------------------------------------------ helpers

    static byte[] bytes(int n, int salt) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 13 + salt);
        }
        return data;
    }

    /** A sent segment, copied out of the reusable SegmentOut. */
    static final class Sent {
        int flags;
        int seq;
        int ack;
        int window;
        int mss;
        int windowScale;
        boolean sackPermitted;
        boolean timestamps;
        int tsVal;
        int tsEcr;
        int[] sacks;
        byte[] payload;
        int segmentSize;

        static Sent of(SegmentOut o) {
            Sent s = new Sent();
            s.flags = o.flags();
            s.seq = o.seq();
            s.ack = o.ack();
            s.window = o.window();
            s.mss = o.mss();
            s.windowScale = o.windowScale();
            s.sackPermitted = o.sackPermitted();
            s.timestamps = o.hasTimestamps();
            s.tsVal = o.tsVal();
            s.tsEcr = o.tsEcr();
            s.sacks = new int[2 * o.sackBlockCount()];
            for (int i = 0; i < o.sackBlockCount(); i++) {
                s.sacks[2 * i] = o.sackLeft(i);
                s.sacks[2 * i + 1] = o.sackRight(i);
            }
            MemorySegment copy = MemorySegment.ofArray(new byte[o.payloadLength()]);
            o.copyPayload(copy, 0);
            s.payload = copy.toArray(ValueLayout.JAVA_BYTE);
            s.segmentSize = o.segmentSize();
            assertThat(o.optionsLength()).as("options fit the header").isLessThanOrEqualTo(40);
            return s;
        }

        Sent seq(int expected) {
            assertThat(seq).as("seq of %s", this).isEqualTo(expected);
            return this;
        }

        Sent ack(int expected) {
            assertThat(ack).as("ack of %s", this).isEqualTo(expected);
            return this;
        }

        Sent window(int expected) {
            assertThat(window).as("window of %s", this).isEqualTo(expected);
            return this;
        }

        Sent payload(byte[] expected) {
            assertThat(payload).as("payload of %s", this).isEqualTo(expected);
            return this;
        }

        Sent length(int expected) {
            assertThat(payload.length).as("payload length of %s", this).isEqualTo(expected);
            return this;
        }

        Sent sacks(int... expected) {
            assertThat(sacks).as("SACK blocks of %s", this).containsExactly(expected);
            return this;
        }

        @Override
        public String toString() {
            return TcpFlags.toString(flags) + " seq=" + seq + " ack=" + ack + " win=" + window + " len="
                    + payload.length + (mss >= 0 ? " mss=" + mss : "") + (windowScale >= 0 ? " ws=" + windowScale : "")
                    + (sackPermitted ? " sackOK" : "") + (timestamps ? " ts=" + tsVal + "/" + tsEcr : "")
                    + (sacks.length > 0 ? " sacks=" + Arrays.toString(sacks) : "");
        }
    }

    /** A segment from the peer, built into the reused SegmentIn. */
    static final class SegBuilder {
        int seq;
        int ack;
        int flags;
        int window = 65535;
        int mss = -1;
        int ws = -1;
        boolean sackOk;
        boolean ts;
        int tsVal;
        int tsEcr;
        byte[] payload = new byte[0];
        final List<int[]> sacks = new ArrayList<>();

        SegBuilder seq(int v) {
            seq = v;
            return this;
        }

        SegBuilder ack(int v) {
            ack = v;
            return this;
        }

        SegBuilder flags(int v) {
            flags = v;
            return this;
        }

        SegBuilder window(int v) {
            window = v;
            return this;
        }

        SegBuilder mss(int v) {
            mss = v;
            return this;
        }

        SegBuilder ws(int v) {
            ws = v;
            return this;
        }

        SegBuilder sackOk() {
            sackOk = true;
            return this;
        }

        SegBuilder ts(int val, int ecr) {
            ts = true;
            tsVal = val;
            tsEcr = ecr;
            return this;
        }

        SegBuilder noTs() {
            ts = false;
            return this;
        }

        SegBuilder payload(byte[] v) {
            payload = v;
            return this;
        }

        SegBuilder sack(int left, int right) {
            sacks.add(new int[] {left, right});
            return this;
        }

        SegmentIn build(SegmentIn in) {
            in.clear().header(seq, ack, flags, window);
            if (mss >= 0) {
                in.mss(mss);
            }
            if (ws >= 0) {
                in.windowScale(ws);
            }
            in.sackPermitted(sackOk);
            if (ts) {
                in.timestamps(tsVal, tsEcr);
            }
            for (int[] block : sacks) {
                in.sackBlock(block[0], block[1]);
            }
            // Payload at an odd offset inside a larger segment, as in a ring frame.
            MemorySegment frame = MemorySegment.ofArray(new byte[payload.length + 83]);
            MemorySegment.copy(MemorySegment.ofArray(payload), 0, frame, 83, payload.length);
            in.payload(frame, 83, payload.length);
            return in;
        }
    }

    /** The application: records events and reads nothing unless asked. */
    static final class Recorder implements StreamHandler {
        final List<String> events = new ArrayList<>();
        CloseReason closed;

        @Override
        public void onOpen(Stream stream) {
            events.add("open");
        }

        @Override
        public void onData(Stream stream, int readable) {
            events.add("data " + readable);
        }

        @Override
        public void onEndOfInput(Stream stream) {
            events.add("eof");
        }

        @Override
        public void onWritable(Stream stream, int writable) {
            events.add("writable");
        }

        @Override
        public void onClosed(Stream stream, CloseReason reason) {
            events.add("closed " + reason);
            closed = reason;
        }
    }
}
