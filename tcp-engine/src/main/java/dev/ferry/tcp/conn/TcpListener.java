package dev.ferry.tcp.conn;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.ListenHandler;
import dev.ferry.tcp.api.Listener;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.wire.TcpFlags;

/**
 * A listening port (RFC 9293 LISTEN): it turns SYNs into connections and holds them until the
 * application accepts them.
 *
 * <p>Two limits, both counted when they bite: at most {@code maxHalfOpen} connections still in
 * their handshake (SYNs beyond it are dropped, {@link TcpCounter#DROP_SYN_BACKLOG_FULL}), and at
 * most {@code acceptBacklog} established connections waiting for {@link #accept()} (a handshake's
 * final ACK is ignored while the queue is full, {@link TcpCounter#DROP_ACCEPT_QUEUE_FULL}, as Linux
 * does; the SYN-ACK retransmission gives the peer another try).
 *
 * <p>The stack calls {@link #onSyn} when a SYN for this port matches no connection, inserts the
 * returned connection in its flow table and flushes it (its SYN-ACK is pending). Segments other
 * than SYNs that match no connection are answered with {@link Resets#forListener}.
 *
 * <p>Confined to its shard thread.
 */
public final class TcpListener implements Listener {
    private final TcpConfig config;
    private final int maxHalfOpen;
    private final TcpConnection[] acceptQueue;
    private final ListenHandler handler;
    private int head;
    private int queued;
    private int halfOpen;
    private boolean closed;

    /**
     * @param config        configuration of the connections it creates
     * @param acceptBacklog established connections that may wait for {@link #accept()}
     * @param maxHalfOpen   connections that may be in their handshake at once
     * @param handler       told when a connection waits to be accepted
     */
    public TcpListener(TcpConfig config, int acceptBacklog, int maxHalfOpen, ListenHandler handler) {
        if (acceptBacklog < 1 || maxHalfOpen < 1) {
            throw new IllegalArgumentException("backlogs must be positive");
        }
        this.config = config;
        this.maxHalfOpen = maxHalfOpen;
        this.acceptQueue = new TcpConnection[acceptBacklog];
        this.handler = handler;
    }

    /**
     * A SYN for this port that matched no connection. Returns a new connection in SYN_RECEIVED, or
     * null when the SYN is dropped (not a plain SYN, listener closed or backlog full; counted).
     *
     * @param iss      initial sequence number for the new connection
     * @param tsOffset start of its timestamp clock
     */
    public TcpConnection onSyn(SegmentIn syn, long nowNs, ConnectionHost host, int iss, int tsOffset) {
        if (!syn.has(TcpFlags.SYN) || (syn.flags() & (TcpFlags.ACK | TcpFlags.RST | TcpFlags.FIN)) != 0) {
            host.counters().increment(TcpCounter.DROP_NOT_SYN);
            return null;
        }
        if (closed || halfOpen >= maxHalfOpen || queued == acceptQueue.length) {
            host.counters().increment(TcpCounter.DROP_SYN_BACKLOG_FULL);
            return null;
        }
        TcpConnection connection = new TcpConnection(config, host, iss, tsOffset, nowNs);
        connection.t.listener = this;
        connection.countSegmentIn();
        halfOpen++;
        HandshakeArrival.onListenSyn(connection, syn);
        return connection;
    }

    @Override
    public Stream accept() {
        if (queued == 0) {
            return null;
        }
        TcpConnection connection = acceptQueue[head];
        acceptQueue[head] = null;
        head = (head + 1) % acceptQueue.length;
        queued--;
        connection.t.listener = null;
        return connection;
    }

    @Override
    public int acceptQueueLength() {
        return queued;
    }

    /** Connections in their handshake. */
    public int halfOpen() {
        return halfOpen;
    }

    /**
     * Stops taking SYNs and resets the connections that were never accepted (their close reason:
     * {@link CloseReason#LISTENER_CLOSED}). Connections still in their handshake are left to time
     * out or complete; they are reset once established.
     */
    public void close() {
        closed = true;
        while (queued > 0) {
            TcpConnection connection = acceptQueue[head];
            acceptQueue[head] = null;
            head = (head + 1) % acceptQueue.length;
            queued--;
            connection.t.listener = null;
            connection.abortForListener();
        }
    }

    /** Whether {@link #close()} was called. */
    public boolean isClosed() {
        return closed;
    }

    boolean acceptQueueFull() {
        return queued == acceptQueue.length;
    }

    /** A connection of ours finished its handshake. */
    void onEstablished(TcpConnection connection) {
        halfOpen--;
        if (closed) {
            connection.t.listener = null;
            connection.abortForListener();
            return;
        }
        acceptQueue[(head + queued) % acceptQueue.length] = connection;
        queued++;
        handler.onAcceptable(this);
    }

    /** A connection of ours closed before the application accepted it. */
    void onClosed(TcpConnection connection) {
        if (!removeFromQueue(connection)) {
            halfOpen--; // it never reached the queue: it was still counted as half-open
        }
    }

    private boolean removeFromQueue(TcpConnection connection) {
        int length = acceptQueue.length;
        for (int i = 0; i < queued; i++) {
            if (acceptQueue[(head + i) % length] == connection) {
                for (int j = i; j < queued - 1; j++) {
                    acceptQueue[(head + j) % length] = acceptQueue[(head + j + 1) % length];
                }
                acceptQueue[(head + queued - 1) % length] = null;
                queued--;
                return true;
            }
        }
        return false;
    }
}
