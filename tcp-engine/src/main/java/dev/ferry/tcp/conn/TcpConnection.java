package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamGuard;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.buffer.ReceiveBuffer;
import dev.ferry.tcp.buffer.SendBuffer;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One TCP connection (RFC 9293) as a pure state machine.
 *
 * <p>The stack drives it with three calls: {@link #onSegment} for every segment of its flow,
 * {@link #onTimer} when its one deadline fires, and {@link #flush} when it asked for output
 * ({@link ConnectionHost#requestOutput}). The application drives it through {@link Stream}. It
 * answers through its {@link ConnectionHost}: segments to transmit, the next deadline, and its end.
 * Time comes in as {@code nowNs}; the initial sequence number and timestamp offset come in at
 * creation; nothing here reads a clock, allocates per segment or logs.
 *
 * <p>Memory: an idle connection is this object alone (primitive fields, 128 bytes on a 64-bit JVM
 * with compressed pointers), plus a small {@link ConnectionExtras} for the few streams that were
 * guarded, lossy, window-limited, very long-lived or very busy. What only a busy stream needs
 * (handshake and retransmission state, timers, {@link RttEstimator}, {@link NewReno}, RACK-TLP's
 * {@link Rack}, and the buffers) is a {@link Transfer} borrowed from the shard's {@link
 * TransferPool} while the stream is busy, and buffers from its {@link
 * dev.ferry.tcp.buffer.BufferPool} only while they hold bytes.
 *
 * <p>Threading: confined to its shard thread, except under a {@link StreamGuard} (see {@link
 * Stream}): then every event takes the guard's lock, and application threads call the {@link
 * Stream} methods under that same lock.
 *
 * <p>Processing of one event: the segment or timer changes state (the methods of {@link
 * SynchronizedArrival}, {@link HandshakeArrival} and {@link TimerEvents}); the handler hears of
 * what changed; {@link Sender} transmits what is due; the new deadline goes to the host; a
 * connection that ended reports it.
 */
public final class TcpConnection implements Stream {
    /** "No deadline". */
    static final long NONE = Long.MAX_VALUE;

    // Negotiated options and per-stream switches.
    static final int F_TIMESTAMPS = 1;
    static final int F_SACK = 1 << 1;
    static final int F_NO_DELAY = 1 << 2;
    static final int F_KEEPALIVE = 1 << 3;
    static final int F_PASSIVE = 1 << 4;
    static final int F_SYN_ACKED = 1 << 5;
    // Closing.
    static final int F_FIN_QUEUED = 1 << 6;
    static final int F_PEER_FIN = 1 << 7;
    static final int F_PEER_FIN_PENDING = 1 << 8;
    static final int F_APP_CLOSED = 1 << 9;
    static final int F_ABORT_REQUESTED = 1 << 10;
    // Output.
    static final int F_ACK_NOW = 1 << 12;
    static final int F_OUTPUT_REQUESTED = 1 << 13;
    static final int F_FORCE_SEND = 1 << 14;
    // Notifications owed to the handler or listener.
    static final int F_WANT_WRITABLE = 1 << 15;
    static final int F_NOTIFY_OPEN = 1 << 16;
    static final int F_NOTIFY_DATA = 1 << 17;
    static final int F_NOTIFY_EOF = 1 << 18;
    static final int F_NOTIFY_LISTENER = 1 << 19;
    // Bookkeeping.
    static final int F_IN_EVENT = 1 << 20;
    static final int F_END_REPORTED = 1 << 21;
    static final int F_HOST_CLOSED = 1 << 22;
    static final int F_TIME_WAIT_REPORTED = 1 << 23;
    static final int F_WINDOW_SCALING = 1 << 24;
    /** The host replaced the connection by a compact TIME_WAIT entry: it is gone. */
    static final int F_RETIRED = 1 << 25;
    /** The SYN had to be resent and no RTT was measured yet (RFC 6298 5.7). */
    static final int F_SYN_LOST = 1 << 26;
    /** A tail loss probe is being sent (RFC 8985 7.3): it does not re-arm the probe timeout. */
    static final int F_PROBING = 1 << 27;

    static final byte LIMIT_NONE = 0;
    static final byte LIMIT_PEER_WINDOW = 1;
    static final byte LIMIT_CONGESTION = 2;

    private static final TcpState[] STATES = TcpState.values();
    private static final CloseReason[] CLOSE_REASONS = CloseReason.values();

    // Memory: this object is what every idle stream costs, so its fields are chosen and packed to
    // fit 128 bytes with compressed pointers (12-byte header; longs, then ints, chars, bytes and
    // references, rounded up to 8). Enums are kept as bytes, the stream's own moments as 32-bit
    // ticks (CoarseClock), the 64-bit counters as their low words (the rest carries into the
    // extras), and what few streams need in ConnectionExtras, allocated at most once.
    // One more int field costs 8 bytes per stream: look for room before adding one.

    final ConnectionHost host;
    final TcpConfig config;
    StreamHandler handler;
    /** The busy-time state, attached while anything is moving (see {@link Transfer}); else null. */
    Transfer t;
    /** The seldom-needed state (see {@link ConnectionExtras}); null until first needed. */
    ConnectionExtras extras;

    /** {@link TcpState} ordinal (see {@link #state()}). */
    private byte stateCode;
    /** {@link CloseReason} ordinal + 1, 0 while open (see {@link #closeReason()}). */
    private byte closeCode;

    int hostHandle;
    int flags;

    // The sequence variables a quiet connection still needs (RFC 9293 3.3.1); the rest is in t.
    // rcvAdvEdge: RCV.NXT + RCV.WND as last advertised; it never moves back.
    int sndUna;
    int sndWnd;
    int maxSndWnd;
    int rcvNxt;
    int rcvAdvEdge;
    final int tsOffset;
    int tsRecent;

    char peerMss;
    char ourMss;
    /** Window-scale shifts (RFC 7323 2.3: at most 14 each): the peer's in the low 4 bits, ours in the high 4. */
    private byte windowShifts;

    byte probes;

    // What a quiet period must not forget (saved from t, restored into it): microseconds; -1: none.
    // ssthresh, which only a loss changes, is kept in the extras.
    int srttUs = -1;
    int rttvarUs;
    int minRttUs = -1;
    int cwnd;

    // Time: creation in nanoseconds (telemetry reports it, the lifetime and handshake timeouts
    // measure from it); the rest as ticks of CoarseClock since then.
    final long createdNs;
    int lastRecvTick;
    int lastDataTick;
    int lastSendTick;

    // Counters: the low 32 bits (the high ones are in the extras once a low word carried over).
    // Retransmits and the time limited by a window are in the extras.
    int bytesInLow;
    int bytesOutLow;
    int segmentsInLow;
    int segmentsOutLow;

    TcpConnection(TcpConfig config, ConnectionHost host, int iss, int tsOffset, long nowNs) {
        this.config = config;
        this.host = host;
        this.tsOffset = tsOffset;
        this.createdNs = nowNs; // and the moments at tick 0
        this.sndUna = iss;
        this.stateCode = (byte) TcpState.CLOSED.ordinal();
        this.t = host.transferPool().take(config);
        t.startHandshake(config, iss);
        if (config.noDelay()) {
            flags |= F_NO_DELAY;
        }
        if (config.keepalive()) {
            flags |= F_KEEPALIVE;
        }
    }

    /**
     * Active open: a connection in SYN_SENT whose SYN is pending. The stack registers it in its
     * flow table (and sets {@link #hostHandle(int)}) before the {@link #flush} it was asked for.
     *
     * @param iss      initial sequence number (RFC 9293 3.4.1; from the stack's ISN generator)
     * @param tsOffset random start of this connection's timestamp clock (RFC 7323 5.4)
     */
    public static TcpConnection connect(
            TcpConfig config, ConnectionHost host, StreamHandler handler, int iss, int tsOffset, long nowNs) {
        TcpConnection connection = new TcpConnection(config, host, iss, tsOffset, nowNs);
        connection.handler = handler;
        connection.state(TcpState.SYN_SENT);
        connection.wantOutput();
        return connection;
    }

    // ---------------------------------------------------------------- events from the stack

    /** A segment of this connection's flow arrived. */
    public void onSegment(SegmentIn in, long nowNs) {
        ReentrantLock lock = lockIfGuarded();
        try {
            if (gone()) {
                host.counters().increment(TcpCounter.DROP_CLOSED);
                return;
            }
            beginEvent();
            countSegmentIn();
            if (in.has(TcpFlags.SYN) && (in.flags() & (TcpFlags.FIN | TcpFlags.RST)) != 0) {
                host.counters().increment(TcpCounter.DROP_BAD_FLAGS);
            } else {
                dispatch(in, nowNs);
            }
            endEvent(nowNs);
        } finally {
            flags &= ~F_IN_EVENT;
            unlock(lock);
        }
    }

    private void dispatch(SegmentIn in, long nowNs) {
        switch (state()) {
            case CLOSED, LISTEN -> host.counters().increment(TcpCounter.DROP_CLOSED); // gone, or never a connection
            case SYN_SENT -> HandshakeArrival.inSynSent(this, in, nowNs); // RFC 9293 3.10.7.3
            case TIME_WAIT -> onSegmentInTimeWait(in, nowNs); // only the peer's FIN can still come
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK ->
                SynchronizedArrival.process(this, in, nowNs); // RFC 9293 3.10.7.4
        }
    }

    /** The deadline reported through {@link ConnectionHost#deadline} (or an older one) fired. */
    public void onTimer(long nowNs) {
        ReentrantLock lock = lockIfGuarded();
        try {
            if (gone()) {
                return;
            }
            beginEvent();
            t.armedDeadlineNs = NONE; // the host's timer entry is spent
            if (state() != TcpState.CLOSED) {
                TimerEvents.fire(this, nowNs);
            }
            endEvent(nowNs);
        } finally {
            flags &= ~F_IN_EVENT;
            unlock(lock);
        }
    }

    /** Sends what is pending (asked for through {@link ConnectionHost#requestOutput}). */
    public void flush(long nowNs) {
        ReentrantLock lock = lockIfGuarded();
        try {
            flags &= ~F_OUTPUT_REQUESTED;
            if (gone()) {
                return;
            }
            beginEvent();
            endEvent(nowNs);
        } finally {
            flags &= ~F_IN_EVENT;
            unlock(lock);
        }
    }

    /** The host was told the connection ended (or was replaced): it takes no more events. */
    private boolean gone() {
        return (flags & (F_HOST_CLOSED | F_RETIRED)) != 0;
    }

    private void beginEvent() {
        flags |= F_IN_EVENT;
        transfer();
    }

    /** The busy-time state, borrowed from the shard's pool if the connection was quiet. */
    Transfer transfer() {
        Transfer transfer = t;
        if (transfer == null) {
            transfer = host.transferPool().take(config);
            transfer.resume(this);
            t = transfer;
        }
        return transfer;
    }

    /**
     * Gives the busy-time state back when nothing needs it: established (or half-closed by the
     * peer), everything sent acknowledged, everything received read, no handshake, no FIN of ours,
     * no timer but keepalive, idle and lifetime (which the connection computes itself).
     */
    private void suspendIfQuiet() {
        Transfer x = t;
        if (x == null
                || (state() != TcpState.ESTABLISHED && state() != TcpState.CLOSE_WAIT)
                || x.sendBuffer != null
                || x.receiveBuffer != null
                || x.listener != null
                || x.pendingAbort != null
                || x.sndNxt != sndUna
                || x.sndMax != sndUna
                || x.rtxDeadlineNs != NONE
                || x.ackDeadlineNs != NONE
                || x.rack.reorderDeadlineNs != NONE
                || x.rack.probeDeadlineNs != NONE
                || x.limitKind != LIMIT_NONE
                || (flags & (F_ACK_NOW | F_PEER_FIN_PENDING | F_ABORT_REQUESTED | F_FORCE_SEND | F_FIN_QUEUED)) != 0) {
            return;
        }
        x.suspend(this);
        t = null;
        host.transferPool().give(x);
    }

    /** A connection that ended gives its busy-time state back once the application read everything. */
    private void releaseTransferIfDone() {
        Transfer x = t;
        if (x != null
                && x.receiveBuffer == null
                && x.sendBuffer == null
                && (state() == TcpState.CLOSED || has(F_RETIRED))) {
            x.suspend(this);
            t = null;
            host.transferPool().give(x);
        }
    }

    private void endEvent(long nowNs) {
        if ((flags & F_ABORT_REQUESTED) != 0) {
            abortNow();
        }
        notifyListenerAndHandler();
        if ((flags & F_ABORT_REQUESTED) != 0) {
            abortNow();
        }
        switch (state()) {
            case CLOSED -> reportClosed(); // the end: tell the handler, the listener and the host
            case TIME_WAIT -> finishTimeWaitTurn(nowNs); // ACK the FIN, then offer the compact handover
            case LISTEN -> {} // never a connection's state
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK -> {
                Sender.output(this, nowNs); // what the event made due
                reportDeadline();
                suspendIfQuiet();
            }
        }
    }

    private void onSegmentInTimeWait(SegmentIn in, long nowNs) {
        int window = Math.min(65_535, config.receiveBufferBytes() >>> receiveWindowScale());
        switch (TimeWait.decide(in, rcvNxt, window, has(F_TIMESTAMPS), tsRecent)) {
            case DROP -> {}
            case ACK -> flags |= F_ACK_NOW;
            case ACK_AND_RESTART -> {
                flags |= F_ACK_NOW;
                t.rtxDeadlineNs = nowNs + config.timeWaitNs();
            }
            case CLOSE -> closeNow(CloseReason.NORMAL);
            case REOPEN -> closeNow(CloseReason.NORMAL); // the stack retries the SYN on its listener
        }
    }

    private void finishTimeWaitTurn(long nowNs) {
        Sender.output(this, nowNs);
        reportDeadline();
        reportEnd();
        if ((flags & F_TIME_WAIT_REPORTED) == 0 && t.receiveBuffer == null) {
            flags |= F_TIME_WAIT_REPORTED;
            if (host.enteredTimeWait(this)) {
                flags |= F_RETIRED; // a compact entry took over: nothing of ours is needed any more
                releaseTransferIfDone();
            }
        }
    }

    private void notifyListenerAndHandler() {
        if ((flags & F_NOTIFY_LISTENER) != 0) {
            flags &= ~F_NOTIFY_LISTENER;
            if (t.listener != null && state() != TcpState.CLOSED) {
                t.listener.onEstablished(this);
            }
        }
        StreamHandler h = handler;
        if (h == null || state() == TcpState.CLOSED) {
            return;
        }
        if ((flags & F_NOTIFY_OPEN) != 0) {
            flags &= ~F_NOTIFY_OPEN;
            h.onOpen(this);
        }
        if ((flags & F_NOTIFY_DATA) != 0) {
            flags &= ~F_NOTIFY_DATA;
            int readable = readable();
            if (readable > 0) {
                h.onData(this, readable);
            }
        }
        if ((flags & F_NOTIFY_EOF) != 0) {
            flags &= ~F_NOTIFY_EOF;
            h.onEndOfInput(this);
        }
        if ((flags & F_WANT_WRITABLE) != 0 && roomToNotify()) {
            flags &= ~F_WANT_WRITABLE;
            h.onWritable(this, writable());
        }
    }

    private boolean roomToNotify() {
        SendBuffer buffer = t == null ? null : t.sendBuffer;
        return canWrite() && (buffer == null || buffer.space() >= buffer.limit() / 4);
    }

    private void reportDeadline() {
        long next = TimerEvents.nextDeadline(this);
        if (next < t.armedDeadlineNs) {
            t.armedDeadlineNs = next;
            host.deadline(this, next);
        }
    }

    /** Tells the handler, the listener and the counters that the stream ended (once). */
    private void reportEnd() {
        if ((flags & F_END_REPORTED) != 0) {
            return;
        }
        flags |= F_END_REPORTED;
        host.counters().closed(closeReason());
        if (t != null && t.listener != null) {
            t.listener.onClosed(this);
            t.listener = null;
        }
        if (handler != null) {
            handler.onClosed(this, closeReason());
        }
    }

    private void reportClosed() {
        reportEnd();
        if ((flags & F_HOST_CLOSED) == 0) {
            flags |= F_HOST_CLOSED;
            host.closed(this, closeReason());
        }
        releaseTransferIfDone();
    }

    // ---------------------------------------------------------------- state changes used by the helpers

    /** Moves to CLOSED: timers stop, buffers go back (unread bytes stay readable after a normal close). */
    void closeNow(CloseReason reason) {
        state(TcpState.CLOSED);
        closeReason(reason);
        t.rtxDeadlineNs = NONE;
        t.ackDeadlineNs = NONE;
        t.rack.stopTimers();
        flags &= ~(F_ACK_NOW | F_ABORT_REQUESTED);
        releaseSendBuffer();
        if (reason != CloseReason.NORMAL) {
            releaseReceiveBuffer();
        }
    }

    /** Both FINs are acknowledged: linger 2*MSL (RFC 9293 3.6.1). */
    void enterTimeWait(long nowNs) {
        state(TcpState.TIME_WAIT);
        closeReason(CloseReason.NORMAL);
        t.rtxDeadlineNs = nowNs + config.timeWaitNs();
        t.ackDeadlineNs = NONE;
        t.rack.stopTimers();
        releaseSendBuffer();
    }

    /** Resets the peer (in states where it knows us) and closes with the pending abort's reason. */
    private void abortNow() {
        Sender.abort(this, t.pendingAbort == null ? CloseReason.ABORTED : t.pendingAbort);
    }

    /** Asks for an abort at the end of the current event or at the next flush. */
    void requestAbort(CloseReason reason) {
        if (state() == TcpState.CLOSED || has(F_ABORT_REQUESTED)) {
            return;
        }
        transfer().pendingAbort = reason;
        flags |= F_ABORT_REQUESTED | F_APP_CLOSED;
        wantOutput();
    }

    /** Its listener closed before the application accepted it. */
    void abortForListener() {
        requestAbort(CloseReason.LISTENER_CLOSED);
    }

    void ackNow() {
        flags |= F_ACK_NOW;
    }

    /** The seldom-needed state, allocated on first need (at most once per connection). */
    ConnectionExtras extras() {
        ConnectionExtras x = extras;
        if (x == null) {
            x = new ConnectionExtras();
            extras = x;
        }
        return x;
    }

    void state(TcpState next) {
        stateCode = (byte) next.ordinal();
    }

    void closeReason(CloseReason reason) {
        closeCode = (byte) (reason == null ? 0 : reason.ordinal() + 1);
    }

    /** Sets the window-scale shifts (0..14 each, RFC 7323 2.3). */
    void windowShifts(int send, int receive) {
        windowShifts = (byte) (send | receive << 4);
    }

    // The stream's own moments, kept as CoarseClock ticks.

    /** When a segment last passed the checks (keepalive measures the peer's silence from it). */
    long lastRecvNs() {
        return CoarseClock.nanos(this, lastRecvTick);
    }

    void lastRecvNs(long nowNs) {
        lastRecvTick = CoarseClock.ticks(this, nowNs);
    }

    /** When data last moved either way (the idle timeout measures from it). */
    long lastDataNs() {
        return CoarseClock.nanos(this, lastDataTick);
    }

    void lastDataNs(long nowNs) {
        lastDataTick = CoarseClock.ticks(this, nowNs);
    }

    /** When data or a FIN was last (re)transmitted (RFC 5681 4.1 measures idleness from it). */
    long lastSendNs() {
        return CoarseClock.nanos(this, lastSendTick);
    }

    void lastSendNs(long nowNs) {
        lastSendTick = CoarseClock.ticks(this, nowNs);
    }

    // Counters: 64-bit values whose high words carry into the extras (a carry at most once per
    // 4 GiB or 4 G segments, so no allocation per segment).

    void countSegmentIn() {
        if (++segmentsInLow == 0) {
            extras().segmentsInHigh++;
        }
    }

    void countSegmentOut() {
        if (++segmentsOutLow == 0) {
            extras().segmentsOutHigh++;
        }
    }

    /** Adds {@code n} (0 or more) payload bytes received in order. */
    void countBytesIn(int n) {
        int before = bytesInLow;
        bytesInLow += n;
        if (Integer.compareUnsigned(bytesInLow, before) < 0) {
            extras().bytesInHigh++;
        }
    }

    /** Adds {@code n} (0 or more) payload bytes sent for the first time. */
    void countBytesOut(int n) {
        int before = bytesOutLow;
        bytesOutLow += n;
        if (Integer.compareUnsigned(bytesOutLow, before) < 0) {
            extras().bytesOutHigh++;
        }
    }

    void countRetransmit() {
        extras().retransmits++;
    }

    private static long wide(int high, int low) {
        return (long) high << 32 | Integer.toUnsignedLong(low);
    }

    /** ssthresh to keep over a quiet period; "none yet" needs no extras. */
    void saveSsthresh(int ssthresh) {
        if (ssthresh != Integer.MAX_VALUE || extras != null) {
            extras().ssthresh = ssthresh;
        }
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** The sequence number of send-buffer byte 0: right after our SYN until it is acknowledged. */
    int dataStartSeq() {
        return has(F_SYN_ACKED) ? sndUna : t.iss + 1;
    }

    /** The sequence number after the last byte in the send buffer. */
    int dataEndSeq() {
        SendBuffer buffer = t == null ? null : t.sendBuffer;
        return dataStartSeq() + (buffer == null ? 0 : buffer.length());
    }

    /** Room in the receive buffer after RCV.NXT. */
    int receiveSpace() {
        ReceiveBuffer buffer = t == null ? null : t.receiveBuffer;
        return buffer == null ? config.receiveBufferBytes() : buffer.window();
    }

    /** The largest payload per segment before options: the smaller of both sides' MSS. */
    int effectiveMss() {
        return Math.max(1, Math.min(peerMss, ourMss()));
    }

    int ourMss() {
        if (ourMss == 0) {
            ourMss = (char) Math.clamp(host.mss(this), 88, 65_535);
        }
        return ourMss;
    }

    ReceiveBuffer receiveBufferForWrite() {
        Transfer x = transfer();
        if (x.receiveBuffer == null) {
            x.receiveBuffer = host.bufferPool().acquireReceiveBuffer(config.receiveBufferBytes());
        }
        return x.receiveBuffer;
    }

    void releaseSendBuffer() {
        SendBuffer buffer = t == null ? null : t.sendBuffer;
        if (buffer != null) {
            t.sendBuffer = null;
            buffer.release(buffer.length());
            host.bufferPool().releaseSendBuffer(buffer);
        }
    }

    void releaseSendBufferIfEmpty() {
        if (t != null && t.sendBuffer != null && t.sendBuffer.isEmpty()) {
            releaseSendBuffer();
        }
    }

    void releaseReceiveBuffer() {
        ReceiveBuffer buffer = t == null ? null : t.receiveBuffer;
        if (buffer != null) {
            t.receiveBuffer = null;
            buffer.clear();
            host.bufferPool().releaseReceiveBuffer(buffer);
        }
    }

    void releaseReceiveBufferIfEmpty() {
        if (t != null && t.receiveBuffer != null && t.receiveBuffer.isEmpty()) {
            releaseReceiveBuffer();
        }
    }

    /**
     * Something is due to be sent. Inside an event the end of the event sends it; under a guard
     * the shard is asked (the caller may be an application thread); otherwise the host is asked
     * to flush this connection later in its turn.
     */
    void wantOutput() {
        if (has(F_IN_EVENT) || gone()) {
            return;
        }
        StreamGuard g = guard();
        if (g != null) {
            g.requestAttention(this);
            return;
        }
        if (!has(F_OUTPUT_REQUESTED)) {
            flags |= F_OUTPUT_REQUESTED;
            host.requestOutput(this);
        }
    }

    private ReentrantLock lockIfGuarded() {
        StreamGuard g = guard();
        if (g == null) {
            return null;
        }
        ReentrantLock lock = g.lock();
        lock.lock();
        return lock;
    }

    private static void unlock(ReentrantLock lock) {
        if (lock != null) {
            lock.unlock();
        }
    }

    // ---------------------------------------------------------------- Stream: the application's side

    @Override
    public int read(MemorySegment dst, long offset, int length) {
        ReceiveBuffer buffer = t == null ? null : t.receiveBuffer;
        if (buffer == null || buffer.readable() == 0) {
            return endOfInput() ? -1 : 0;
        }
        int windowBefore = buffer.window();
        int n = buffer.read(dst, offset, length);
        if (SynchronizedArrival.windowUpdateWorthSending(this, windowBefore, buffer.window())) {
            flags |= F_ACK_NOW;
        }
        releaseReceiveBufferIfEmpty();
        if (t.receiveBuffer == null && state() == TcpState.CLOSED) {
            releaseTransferIfDone();
        } else if (has(F_ACK_NOW) || t.receiveBuffer == null) {
            wantOutput(); // a window update, or a drained buffer: the connection may go quiet
        }
        return n;
    }

    @Override
    public int read(byte[] dst, int offset, int length) {
        return read(ArrayViews.of(dst), offset, length);
    }

    private boolean endOfInput() {
        return has(F_PEER_FIN) || state() == TcpState.CLOSED || state() == TcpState.TIME_WAIT || has(F_APP_CLOSED);
    }

    @Override
    public int readable() {
        ReceiveBuffer buffer = t == null ? null : t.receiveBuffer;
        return buffer == null ? 0 : buffer.readable();
    }

    @Override
    public boolean isInputShutdown() {
        return readable() == 0 && endOfInput();
    }

    @Override
    public int write(MemorySegment src, long offset, int length) {
        if (!canWrite()) {
            return -1;
        }
        if (length == 0) {
            return 0;
        }
        Transfer x = transfer();
        if (x.sendBuffer == null) {
            x.sendBuffer = host.bufferPool().acquireSendBuffer(config.sendBufferBytes());
        }
        int n = x.sendBuffer.append(src, offset, length);
        if (n < length) {
            flags |= F_WANT_WRITABLE;
        }
        releaseSendBufferIfEmpty();
        if (n > 0) {
            wantOutput();
        }
        return n;
    }

    @Override
    public int write(byte[] src, int offset, int length) {
        return write(ArrayViews.of(src), offset, length);
    }

    private boolean canWrite() {
        return switch (state()) {
            case SYN_SENT, SYN_RECEIVED, ESTABLISHED, CLOSE_WAIT -> (flags & (F_FIN_QUEUED | F_ABORT_REQUESTED)) == 0;
            case CLOSED, LISTEN, FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT -> false;
        };
    }

    @Override
    public int writable() {
        if (!canWrite()) {
            return 0;
        }
        SendBuffer buffer = t == null ? null : t.sendBuffer;
        int space = buffer == null ? config.sendBufferBytes() : buffer.space();
        if (space == 0) {
            // Asking and finding no room is as good as a short write: call back when room opens,
            // or an application that checks before it writes (to avoid reading what it cannot
            // forward) would wait forever.
            flags |= F_WANT_WRITABLE;
        }
        return space;
    }

    @Override
    public void shutdownOutput() {
        if (has(F_FIN_QUEUED) || has(F_ABORT_REQUESTED)) {
            return;
        }
        switch (state()) {
            case SYN_SENT, SYN_RECEIVED -> queueFin(); // the FIN follows the handshake and the queued bytes
            case ESTABLISHED -> {
                queueFin();
                state(TcpState.FIN_WAIT_1); // RFC 9293 3.10.4: the state changes at the CLOSE call
            }
            case CLOSE_WAIT -> {
                queueFin();
                state(TcpState.LAST_ACK);
            }
            case CLOSED, LISTEN, FIN_WAIT_1, FIN_WAIT_2, CLOSING, LAST_ACK, TIME_WAIT -> {} // already closing
        }
        wantOutput();
    }

    private void queueFin() {
        transfer().finSeq = dataEndSeq();
        flags |= F_FIN_QUEUED;
        flags &= ~F_WANT_WRITABLE;
    }

    @Override
    public void close() {
        if (state() == TcpState.CLOSED || state() == TcpState.TIME_WAIT) {
            releaseReceiveBuffer(); // what is left unread after a normal close goes back to the pool
            releaseTransferIfDone();
            wantOutput();
            return;
        }
        boolean unread = t != null && t.receiveBuffer != null && !t.receiveBuffer.isEmpty();
        if (unread || state() == TcpState.SYN_SENT) {
            // RFC 1122 4.2.2.13: closing with unread data resets; a connect not yet answered just ends.
            requestAbort(unread ? CloseReason.ABORTED_UNREAD_DATA : CloseReason.ABORTED);
        } else {
            flags |= F_APP_CLOSED;
            shutdownOutput();
        }
    }

    @Override
    public void abort() {
        if (state() == TcpState.CLOSED || state() == TcpState.TIME_WAIT) {
            releaseReceiveBuffer();
            releaseTransferIfDone();
            wantOutput();
            return;
        }
        requestAbort(CloseReason.ABORTED);
    }

    @Override
    public void noDelay(boolean on) {
        flags = on ? flags | F_NO_DELAY : flags & ~F_NO_DELAY;
        if (on) {
            wantOutput();
        }
    }

    @Override
    public void keepalive(boolean on) {
        flags = on ? flags | F_KEEPALIVE : flags & ~F_KEEPALIVE;
        wantOutput(); // the deadline changes
    }

    @Override
    public void handler(StreamHandler handler) {
        this.handler = handler;
        if (handler == null || state() == TcpState.CLOSED || state() == TcpState.SYN_SENT) {
            return;
        }
        if (state() != TcpState.SYN_RECEIVED) {
            flags &= ~(F_NOTIFY_OPEN | F_NOTIFY_DATA);
            handler.onOpen(this);
            int readable = readable();
            if (readable > 0) {
                handler.onData(this, readable);
            }
            if (has(F_PEER_FIN)) {
                flags &= ~F_NOTIFY_EOF;
                handler.onEndOfInput(this);
            }
        }
    }

    @Override
    public void guard(StreamGuard guard) {
        if (guard != null || extras != null) {
            extras().guard = guard;
        }
    }

    /** The guard whose lock every event takes, or null (see {@link Stream}). */
    StreamGuard guard() {
        ConnectionExtras x = extras;
        return x == null ? null : x.guard;
    }

    @Override
    public boolean isOpen() {
        return state() != TcpState.CLOSED && state() != TcpState.TIME_WAIT && !has(F_ABORT_REQUESTED);
    }

    @Override
    public CloseReason closeReason() {
        return closeCode == 0 ? null : CLOSE_REASONS[closeCode - 1];
    }

    // ---------------------------------------------------------------- for the stack and telemetry

    /** The connection's state. */
    public TcpState state() {
        return STATES[stateCode];
    }

    /** The host's own reference for this connection (e.g. its flow-table slot); 0 until set. */
    public int hostHandle() {
        return hostHandle;
    }

    /** Sets {@link #hostHandle()}. */
    public void hostHandle(int handle) {
        this.hostHandle = handle;
    }

    /** True when the connection was created by a listener (passive open). */
    public boolean isPassive() {
        return has(F_PASSIVE);
    }

    /** Fills {@code into} with what a compact TIME_WAIT entry needs; valid in TIME_WAIT. */
    public TimeWait timeWait(TimeWait into) {
        int window = Math.min(65_535, config.receiveBufferBytes() >>> receiveWindowScale());
        long expires = t == null ? NONE : t.rtxDeadlineNs;
        into.set(sndNxt(), rcvNxt, window, has(F_TIMESTAMPS), tsOffset, tsRecent, expires);
        return into;
    }

    /** Fills {@code into} with this stream's counters. */
    public StreamStats stats(StreamStats into) {
        ConnectionExtras x = extras;
        into.bytesIn = wide(x == null ? 0 : x.bytesInHigh, bytesInLow);
        into.bytesOut = wide(x == null ? 0 : x.bytesOutHigh, bytesOutLow);
        into.segmentsIn = wide(x == null ? 0 : x.segmentsInHigh, segmentsInLow);
        into.segmentsOut = wide(x == null ? 0 : x.segmentsOutHigh, segmentsOutLow);
        into.retransmits = x == null ? 0 : x.retransmits;
        into.srttNs = srttNs();
        into.rttvarNs = t == null ? rttvarUs * 1000L : t.rtt.rttvarNs();
        into.minRttNs = t == null ? (minRttUs < 0 ? -1 : minRttUs * 1000L) : t.rtt.minRttNs();
        into.rtoNs = rtoNs();
        into.cwnd = cwnd();
        into.ssthresh = ssthresh();
        into.peerWindow = sndWnd;
        into.peerWindowLimitedNs = x == null ? 0 : x.peerWindowLimitedNs;
        into.congestionLimitedNs = x == null ? 0 : x.congestionLimitedNs;
        into.state = state();
        into.closeReason = closeReason();
        into.startedNs = createdNs;
        return into;
    }

    /** Our oldest unacknowledged sequence number (SND.UNA). */
    public int sndUna() {
        return sndUna;
    }

    /** Our next sequence number to send (SND.NXT). */
    public int sndNxt() {
        return t == null ? sndUna : t.sndNxt;
    }

    /** The highest sequence number sent so far (SND.NXT before any timeout rolled it back). */
    public int sndMax() {
        return t == null ? sndUna : t.sndMax;
    }

    /** The peer's window as last advertised, in bytes (SND.WND). */
    public int sndWnd() {
        return sndWnd;
    }

    /** The next sequence number expected from the peer (RCV.NXT). */
    public int rcvNxt() {
        return rcvNxt;
    }

    /** The right edge of the window we last advertised (RCV.NXT + RCV.WND then). */
    public int rcvAdvertisedEdge() {
        return rcvAdvEdge;
    }

    /** The earliest deadline the connection needs now (what the host's timer must not pass). */
    public long neededDeadlineNs() {
        return TimerEvents.nextDeadline(this);
    }

    /** Bytes the application queued that are not yet acknowledged. */
    public int sendQueued() {
        return t == null || t.sendBuffer == null ? 0 : t.sendBuffer.length();
    }

    /** Whether the busy-time state is attached (false: the stream is quiet, see {@link Transfer}). */
    public boolean isBusy() {
        return t != null;
    }

    /** Smoothed RTT, or -1 before the first sample. */
    public long srttNs() {
        return t != null ? t.rtt.srttNs() : srttUs < 0 ? -1 : srttUs * 1000L;
    }

    /** The retransmission timeout that would be armed now (backoff included). */
    public long rtoNs() {
        if (t != null) {
            return t.rtt.rtoNs(config);
        }
        if (srttUs < 0) {
            return has(F_SYN_LOST)
                    ? Math.clamp(3_000_000_000L, config.minRtoNs(), config.maxRtoNs())
                    : config.initialRtoNs();
        }
        long rto = srttUs * 1000L + Math.max(1_000_000L, 4000L * rttvarUs);
        return Math.clamp(rto, config.minRtoNs(), config.maxRtoNs());
    }

    /** Timeouts in a row that doubled the RTO. */
    public int rtoBackoff() {
        return t == null ? 0 : t.rtt.backoff();
    }

    /** Smallest RTT seen, or -1 before the first sample. */
    public long minRttNs() {
        return t != null ? t.rtt.minRttNs() : minRttUs < 0 ? -1 : minRttUs * 1000L;
    }

    /** Congestion window in bytes. */
    public int cwnd() {
        return t == null ? cwnd : t.congestion.cwnd();
    }

    /** Slow-start threshold in bytes ({@link Integer#MAX_VALUE} before any loss). */
    public int ssthresh() {
        if (t != null) {
            return t.congestion.ssthresh();
        }
        return extras == null ? Integer.MAX_VALUE : extras.ssthresh;
    }

    /** Whether fast recovery (NewReno's, or SACK-based per RFC 6675) is under way. */
    public boolean inRecovery() {
        return t != null && t.congestion.inRecovery();
    }

    /** Whether timestamps were negotiated. */
    public boolean timestampsEnabled() {
        return has(F_TIMESTAMPS);
    }

    /** Whether SACK was negotiated. */
    public boolean sackEnabled() {
        return has(F_SACK);
    }

    /** Whether window scaling was negotiated. */
    public boolean windowScalingEnabled() {
        return has(F_WINDOW_SCALING);
    }

    /** Our window-scale shift for what we advertise (0 without window scaling). */
    public int receiveWindowScale() {
        return windowShifts >>> 4 & 0xF;
    }

    /** The peer's window-scale shift (0 without window scaling). */
    public int sendWindowScale() {
        return windowShifts & 0xF;
    }

    /** The peer's MSS as negotiated (after clamping). */
    public int peerMss() {
        return peerMss;
    }

    @Override
    public String toString() {
        return "TcpConnection[" + state() + " una=" + Integer.toUnsignedString(sndUna) + " nxt="
                + Integer.toUnsignedString(sndNxt()) + " max=" + Integer.toUnsignedString(sndMax()) + " wnd=" + sndWnd
                + " rcvNxt=" + Integer.toUnsignedString(rcvNxt) + " queued=" + sendQueued() + " readable="
                + readable() + " cwnd=" + cwnd() + (t == null ? " quiet" : "") + "]";
    }
}
