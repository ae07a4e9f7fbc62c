package dev.ferry.tcp.sim;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.ConnectionHost;
import dev.ferry.tcp.conn.Resets;
import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpCounters;
import dev.ferry.tcp.conn.TcpListener;
import dev.ferry.tcp.conn.TcpState;
import dev.ferry.tcp.conn.TimeWait;
import dev.ferry.tcp.conn.TransferPool;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * One end of the simulated flow: the stack around one connection. It plays the flow table (one
 * flow; segments for a finished flow are answered as for a closed port), the timing wheel (one
 * entry, replaced on every report, stale firings ignored), the shard turn (flushes run after the
 * current event), the listener on the server side, and the compact TIME_WAIT handover.
 */
final class SimEndpoint implements ConnectionHost {
    final String name;
    final int direction;
    final Simulation sim;
    final TcpConfig config;
    final int mss;
    final int maxTxPayload;
    final boolean compactTimeWait;
    final TcpCounters counters = new TcpCounters();
    final BufferPool pool = new BufferPool(1024, 16_384, BufferPool.Memory.HEAP);
    final TransferPool transfers = new TransferPool();
    private final SegmentOut out = new SegmentOut();
    private final SegmentIn in = new SegmentIn();
    SimEndpoint peer;
    StreamApp app;
    TcpListener listener;
    boolean listening;
    TcpConnection connection;
    boolean retired;
    TimeWait timeWait;
    long timeWaitGeneration;
    long armedNs = Long.MAX_VALUE;
    private long timerGeneration;
    int flushesPending;
    CloseReason closed;
    boolean done;
    long deadlineReportsAfterClose;

    SimEndpoint(
            String name,
            int direction,
            Simulation sim,
            TcpConfig config,
            int mss,
            int maxTxPayload,
            boolean compactTimeWait) {
        this.name = name;
        this.direction = direction;
        this.sim = sim;
        this.config = config;
        this.mss = mss;
        this.maxTxPayload = maxTxPayload;
        this.compactTimeWait = compactTimeWait;
    }

    /** A packet from the network. */
    void receive(Packet packet) {
        long now = sim.clock.nowNs();
        if (Simulation.TRACE) {
            sim.trace(name + " receives " + packet);
        }
        if (timeWait != null) {
            inTimeWait(packet, now);
        } else if (connection != null && !retired && !done) {
            connection.onSegment(packet.fill(in), now);
        } else if (listening && (packet.flags() & TcpFlags.SYN) != 0) {
            accept(packet, now);
        } else if (Resets.forClosedPort(packet.fill(in), out)) {
            sendReply();
        }
        sim.afterEvent();
    }

    private void accept(Packet packet, long now) {
        TcpConnection created = listener.onSyn(packet.fill(in), now, this, sim.random.nextInt(), sim.random.nextInt());
        if (created != null) {
            listening = false; // one flow per simulation: later SYNs belong to it or to nobody
            connection = created;
        }
    }

    private void inTimeWait(Packet packet, long now) {
        switch (timeWait.onSegment(packet.fill(in), now, config.timeWaitNs())) {
            case DROP -> {}
            case ACK -> ackFromTimeWait(now);
            case ACK_AND_RESTART -> {
                ackFromTimeWait(now);
                scheduleTimeWaitExpiry();
            }
            case CLOSE, REOPEN -> finish(CloseReason.NORMAL);
        }
    }

    private void ackFromTimeWait(long now) {
        timeWait.ack(now, out);
        sendReply();
    }

    private void scheduleTimeWaitExpiry() {
        long generation = ++timeWaitGeneration;
        sim.clock.at(timeWait.expiresNs(), () -> {
            if (generation == timeWaitGeneration && timeWait != null && !done) {
                finish(CloseReason.NORMAL);
            }
            sim.afterEvent();
        });
    }

    private void sendReply() {
        Packet packet = Packet.of(out);
        sim.network.carry(packet, packet.wireBytes(), direction, sim.clock, peer::receive);
    }

    private void finish(CloseReason reason) {
        timeWait = null;
        closed = reason;
        done = true;
        armedNs = Long.MAX_VALUE;
        timerGeneration++;
    }

    // ------------------------------------------------------------ ConnectionHost

    @Override
    public boolean transmit(TcpConnection c, SegmentOut segment) {
        sim.checkSegment(this, c, segment);
        Packet packet = Packet.of(segment);
        if (packet.payload().length > segment.segmentSize() && segment.segmentSize() > 0) {
            for (Packet piece : packet.segmented(segment.segmentSize())) {
                sim.network.carry(piece, piece.wireBytes(), direction, sim.clock, peer::receive);
            }
        } else {
            sim.network.carry(packet, packet.wireBytes(), direction, sim.clock, peer::receive);
        }
        return true;
    }

    @Override
    public void deadline(TcpConnection c, long deadlineNs) {
        if (done || retired) {
            deadlineReportsAfterClose++;
            return;
        }
        armedNs = deadlineNs;
        long generation = ++timerGeneration;
        if (deadlineNs != Long.MAX_VALUE) {
            sim.clock.at(deadlineNs, () -> {
                if (generation == timerGeneration && !done && !retired) {
                    armedNs = Long.MAX_VALUE;
                    c.onTimer(sim.clock.nowNs());
                }
                sim.afterEvent();
            });
        }
    }

    @Override
    public void requestOutput(TcpConnection c) {
        flushesPending++;
        sim.clock.soon(() -> {
            flushesPending--;
            if (!done && !retired) {
                c.flush(sim.clock.nowNs());
            }
            sim.afterEvent();
        });
    }

    @Override
    public boolean enteredTimeWait(TcpConnection c) {
        if (!compactTimeWait) {
            return false;
        }
        timeWait = c.timeWait(new TimeWait());
        retired = true; // the stack forgets the connection object
        armedNs = Long.MAX_VALUE;
        timerGeneration++;
        scheduleTimeWaitExpiry();
        return true;
    }

    @Override
    public void closed(TcpConnection c, CloseReason reason) {
        if (done) {
            throw new AssertionError(name + ": closed reported twice");
        }
        finish(reason);
    }

    @Override
    public int mss(TcpConnection c) {
        return mss;
    }

    @Override
    public int maxTxPayload(TcpConnection c) {
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

    /** Whether the connection is live (not closed, not handed over to a TIME_WAIT entry). */
    boolean live() {
        return connection != null && !retired && !done;
    }

    /** The right edge of the window this end last advertised (frozen once it stops). */
    int advertisedEdge() {
        return connection.rcvAdvertisedEdge();
    }

    boolean sendsData(TcpState state) {
        return switch (state) {
            case ESTABLISHED, FIN_WAIT_1, CLOSE_WAIT, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    boolean acknowledges(int ack) {
        return connection == null || Seq.le(ack, connection.sndMax());
    }

    @Override
    public String toString() {
        return name + "[" + (connection == null ? "no connection" : connection.toString())
                + (timeWait != null ? " compact TIME_WAIT" : "") + (done ? " done " + closed : "") + " " + counters
                + "]";
    }
}
