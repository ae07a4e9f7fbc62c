package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * What a connection in TIME_WAIT still needs to know, small enough for the stack to keep in place
 * of the whole connection (see {@link ConnectionHost#enteredTimeWait}), and the rules for
 * answering segments in that state. {@link TcpConnection} applies the same rules while it runs
 * TIME_WAIT itself.
 *
 * <p>The rules: the only segment expected is a retransmission of the peer's FIN, which is
 * acknowledged again and restarts the 2*MSL wait (RFC 9293 3.10.7.4); a reset at exactly RCV.NXT
 * ends the wait (RFC 9293, tempered by RFC 5961 3.2: a reset elsewhere in the window gets a
 * challenge ACK instead); a new SYN beyond the old sequence space, or with a newer timestamp, may
 * open a new connection (RFC 6191); anything else carrying data or failing PAWS is answered with
 * an ACK, and bare ACKs are dropped.
 */
public final class TimeWait {
    /** What to do with a segment that reached a TIME_WAIT entry. */
    public enum Action {
        /** Ignore it. */
        DROP,
        /** Send an ACK (fill one with {@link #ack}). */
        ACK,
        /** Send an ACK and restart the 2*MSL wait: the peer's FIN was retransmitted. */
        ACK_AND_RESTART,
        /** The peer reset: forget the entry now. */
        CLOSE,
        /** A SYN that may start a new incarnation: forget the entry and hand the SYN to the listener. */
        REOPEN
    }

    private int sndNxt;
    private int rcvNxt;
    private int window;
    private boolean timestamps;
    private int tsOffset;
    private int tsRecent;
    private long expiresNs;

    /** Fills the entry; called by {@link TcpConnection#timeWait(TimeWait)}. */
    void set(int sndNxt, int rcvNxt, int window, boolean timestamps, int tsOffset, int tsRecent, long expiresNs) {
        this.sndNxt = sndNxt;
        this.rcvNxt = rcvNxt;
        this.window = window;
        this.timestamps = timestamps;
        this.tsOffset = tsOffset;
        this.tsRecent = tsRecent;
        this.expiresNs = expiresNs;
    }

    /** When the entry ends if nothing restarts it. */
    public long expiresNs() {
        return expiresNs;
    }

    /** Our next sequence number (after our FIN). */
    public int sndNxt() {
        return sndNxt;
    }

    /** The peer's next sequence number (after its FIN). */
    public int rcvNxt() {
        return rcvNxt;
    }

    /**
     * Decides what to do with {@code in}; on {@link Action#ACK_AND_RESTART} the entry's expiry has
     * already moved to {@code nowNs + timeWaitNs}.
     */
    public Action onSegment(SegmentIn in, long nowNs, long timeWaitNs) {
        Action action = decide(in, rcvNxt, window, timestamps, tsRecent);
        if (action == Action.ACK_AND_RESTART) {
            expiresNs = nowNs + timeWaitNs;
        }
        return action;
    }

    /** Fills {@code out} with this entry's ACK. */
    public void ack(long nowNs, SegmentOut out) {
        out.start(TcpFlags.ACK, sndNxt, rcvNxt, window);
        if (timestamps) {
            out.timestamps(Timestamps.clock(nowNs, tsOffset), tsRecent);
        }
    }

    static Action decide(SegmentIn in, int rcvNxt, int window, boolean timestamps, int tsRecent) {
        if (in.has(TcpFlags.RST)) {
            if (in.seq() == rcvNxt) {
                return Action.CLOSE;
            }
            return Seq.inRange(in.seq(), rcvNxt, rcvNxt + Math.max(1, window)) ? Action.ACK : Action.DROP;
        }
        boolean newerTimestamp = timestamps && in.hasTimestamps() && Seq.gt(in.tsVal(), tsRecent);
        if (in.has(TcpFlags.SYN) && !in.has(TcpFlags.ACK)) {
            return Seq.gt(in.seq(), rcvNxt) || newerTimestamp ? Action.REOPEN : Action.ACK;
        }
        if (timestamps && in.hasTimestamps() && Seq.lt(in.tsVal(), tsRecent)) {
            return Action.ACK; // PAWS (RFC 7323 5.3): old duplicate
        }
        if (in.has(TcpFlags.FIN) && in.seq() + in.payloadLength() + 1 == rcvNxt) {
            return Action.ACK_AND_RESTART;
        }
        return in.sequenceLength() > 0 ? Action.ACK : Action.DROP;
    }
}
