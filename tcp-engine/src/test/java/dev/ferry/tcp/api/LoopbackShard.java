package dev.ferry.tcp.api;

import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.ConnectionHost;
import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpCounters;
import dev.ferry.tcp.conn.TcpListener;
import dev.ferry.tcp.conn.TransferPool;
import java.lang.foreign.MemorySegment;
import java.util.ArrayDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A real shard thread for two connections joined back to back (no loss), with the wall clock:
 * what the blocking adapter's tests need to run application threads against a live stack. It
 * implements the host contract the way the real stack will: a per-connection deadline polled by
 * the loop, flush requests run at the end of the turn, and a thread-safe wake-up queue that
 * application threads feed.
 */
final class LoopbackShard implements AutoCloseable {
    private final Thread thread;
    private final ConcurrentLinkedQueue<Stream> attention = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final ArrayDeque<Runnable> turn = new ArrayDeque<>();
    private final BufferPool pool = new BufferPool(4096, 4096, BufferPool.Memory.NATIVE);
    private final TcpCounters counters = new TcpCounters();
    private final TransferPool transfers = new TransferPool();
    private final SegmentOut out = new SegmentOut();
    private final SegmentIn in = new SegmentIn();
    final End client = new End();
    final End server = new End();
    private volatile boolean running = true;

    /** The host of one connection. */
    final class End implements ConnectionHost {
        TcpConnection connection;
        End peer;
        long deadlineNs = Long.MAX_VALUE;

        @Override
        public boolean transmit(TcpConnection c, SegmentOut segment) {
            byte[] payload = new byte[segment.payloadLength()];
            segment.copyPayload(MemorySegment.ofArray(payload), 0);
            int flags = segment.flags();
            int seq = segment.seq();
            int ack = segment.ack();
            int window = segment.window();
            int mss = segment.mss();
            int ws = segment.windowScale();
            boolean sackOk = segment.sackPermitted();
            boolean ts = segment.hasTimestamps();
            int tsVal = segment.tsVal();
            int tsEcr = segment.tsEcr();
            turn.add(() -> {
                in.clear()
                        .header(seq, ack, flags, window)
                        .mss(mss)
                        .windowScale(ws)
                        .sackPermitted(sackOk);
                if (ts) {
                    in.timestamps(tsVal, tsEcr);
                }
                in.payload(MemorySegment.ofArray(payload), 0, payload.length);
                peer.receive(in);
            });
            return true;
        }

        void receive(SegmentIn segment) {
            if (connection == null && listener != null) {
                connection = listener.onSyn(segment, System.nanoTime(), this, 7_000_000, 0);
            } else if (connection != null) {
                connection.onSegment(segment, System.nanoTime());
            }
        }

        @Override
        public void deadline(TcpConnection c, long ns) {
            deadlineNs = ns;
        }

        @Override
        public void requestOutput(TcpConnection c) {
            turn.add(() -> c.flush(System.nanoTime()));
        }

        @Override
        public boolean enteredTimeWait(TcpConnection c) {
            return false;
        }

        @Override
        public void closed(TcpConnection c, CloseReason reason) {
            deadlineNs = Long.MAX_VALUE;
        }

        @Override
        public int mss(TcpConnection c) {
            return 1460;
        }

        @Override
        public int maxTxPayload(TcpConnection c) {
            return 65_000;
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

    private TcpListener listener;

    /** The wake-up an application thread rings: a lock-free queue and an unpark. */
    final ShardWakeup wakeup;

    LoopbackShard() {
        wakeup = stream -> {
            attention.add(stream);
            LockSupport.unpark(shardThread());
        };
        client.peer = server;
        server.peer = client;
        thread = Thread.ofPlatform().name("loopback-shard").daemon().start(this::loop);
    }

    /**
     * Opens a connection on the shard: {@code onServer} gets the accepted stream and {@code
     * onClient} the connecting one, both on the shard thread (where {@link BlockingStream#bind}
     * belongs).
     */
    void open(TcpConfig config, Consumer<Stream> onClient, Consumer<Stream> onServer) {
        run(() -> {
            listener = new TcpListener(config, 4, 4, l -> onServer.accept(l.accept()));
            client.connection = TcpConnection.connect(config, client, null, 1_000, 0, System.nanoTime());
            onClient.accept(client.connection);
        });
    }

    /** Runs {@code task} on the shard thread. */
    void run(Runnable task) {
        tasks.add(task);
        LockSupport.unpark(thread);
    }

    private Thread shardThread() {
        return thread;
    }

    TcpCounters counters() {
        return counters;
    }

    BufferPool pool() {
        return pool;
    }

    private void loop() {
        while (running) {
            boolean worked = false;
            Runnable task;
            while ((task = tasks.poll()) != null) {
                task.run();
                worked = true;
            }
            Stream stream;
            while ((stream = attention.poll()) != null) {
                ((TcpConnection) stream).flush(System.nanoTime());
                worked = true;
            }
            while (!turn.isEmpty()) {
                turn.poll().run();
                worked = true;
            }
            worked |= fireTimer(client) | fireTimer(server);
            if (!worked) {
                LockSupport.parkNanos(200_000);
            }
        }
    }

    private boolean fireTimer(End end) {
        if (end.connection != null && end.deadlineNs <= System.nanoTime()) {
            end.deadlineNs = Long.MAX_VALUE;
            end.connection.onTimer(System.nanoTime());
            return true;
        }
        return false;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        LockSupport.unpark(thread);
        thread.join();
    }
}
