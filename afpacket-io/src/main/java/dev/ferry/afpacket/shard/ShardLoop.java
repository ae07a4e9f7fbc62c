package dev.ferry.afpacket.shard;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.Doorbell;
import dev.ferry.afpacket.RxRing;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.tcp.link.FrameReceiver;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * One shard's duty cycle, on its own platform thread (a blocking poll would pin a virtual thread's
 * carrier): receive up to a budget of frames, run the caller's {@link ShardWork}, flush TX once,
 * and when a turn did nothing, idle until the next deadline or traffic.
 *
 * <p>Idling, cheapest wake-up first: for {@code spinNs} after the last activity the loop spins
 * (a reply usually comes within tens of µs); then it sleeps in {@code ppoll} on the ring fd (a
 * retired block), the doorbell (any frame, PEEK only) and an eventfd that {@link #wakeup()} rings
 * from other threads. Before sleeping it drains the doorbell and looks at the ring once more, so a
 * frame that arrived in between is not left waiting for a block to retire.
 *
 * <p>The link, receiver and work are used by the shard thread only; {@link #wakeup()} and {@link
 * #close()} may be called from any thread.
 */
public final class ShardLoop implements AutoCloseable {
    /** How to build a {@link ShardLoop}. */
    public static final class Builder {
        private final RingLink link;
        private final FrameReceiver receiver;
        private final ShardWork work;
        private int frameBudget = 256;
        private long spinNs = 0;
        private String name = "ferry-shard";

        private Builder(RingLink link, FrameReceiver receiver, ShardWork work) {
            this.link = Objects.requireNonNull(link);
            this.receiver = Objects.requireNonNull(receiver);
            this.work = Objects.requireNonNull(work);
        }

        /** Frames received per turn before timers and TX get their turn (default 256). */
        public Builder frameBudget(int frames) {
            this.frameBudget = frames;
            return this;
        }

        /**
         * How long to keep spinning after the last activity before sleeping (default 0: sleep at
         * once). Spinning buys latency for request/response traffic with one core's worth of CPU
         * while traffic lasts; idle CPU stays ~0.
         */
        public Builder spinNs(long ns) {
            this.spinNs = ns;
            return this;
        }

        /** The thread's name (default "ferry-shard"). */
        public Builder name(String threadName) {
            this.name = threadName;
            return this;
        }

        /** Builds the loop without starting it (tests drive {@link #turn} themselves). */
        public ShardLoop build() {
            return new ShardLoop(this);
        }

        /** Builds the loop and starts its thread. */
        public ShardLoop start() {
            ShardLoop loop = build();
            loop.start();
            return loop;
        }
    }

    private final RingLink link;
    private final FrameReceiver receiver;
    private final ShardWork work;
    private final int frameBudget;
    private final long spinNs;
    private final RxRing rx;
    private final Doorbell doorbell;
    private final int ringFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment callState;
    private final MemorySegment pollFds;
    private final int pollCount;
    private final MemorySegment timeout;
    private final MemorySegment eventBuffer;
    private final MemorySegment wakeBuffer;
    private final MemorySegment wakeCallState;
    private final int eventFd;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Throwable failure;

    private long lastActivityNs;
    private long turns;
    private long sleeps;
    private long framesReceived;
    private boolean closed;

    private ShardLoop(Builder b) {
        this.link = b.link;
        this.receiver = b.receiver;
        this.work = b.work;
        this.frameBudget = b.frameBudget;
        this.spinNs = b.spinNs;
        this.rx = link.socket().rx();
        this.doorbell = link.socket().doorbell();
        this.ringFd = link.socket().fd();
        this.callState = Native.newCallState(arena);
        this.wakeCallState = Native.newCallState(arena);
        this.eventFd = (int) Native.check(
                Native.eventfd(callState, 0, Kernel.EFD_CLOEXEC | Kernel.EFD_NONBLOCK),
                callState,
                "eventfd",
                null,
                null);
        this.pollCount = doorbell == null ? 2 : 3;
        this.pollFds = arena.allocate(Native.POLLFD, pollCount);
        setPollFd(0, ringFd);
        setPollFd(1, eventFd);
        if (doorbell != null) {
            setPollFd(2, doorbell.fd());
        }
        this.timeout = arena.allocate(Native.TIMESPEC);
        this.eventBuffer = arena.allocate(JAVA_LONG);
        this.wakeBuffer = arena.allocateFrom(JAVA_LONG, 1L);
        this.thread = Thread.ofPlatform().name(b.name).unstarted(this::run);
    }

    public static Builder builder(RingLink link, FrameReceiver receiver, ShardWork work) {
        return new Builder(link, receiver, work);
    }

    private void setPollFd(int i, int fd) {
        long at = i * Native.POLLFD.byteSize();
        pollFds.set(JAVA_INT, at, fd);
        pollFds.set(JAVA_SHORT, at + 4, Kernel.POLLIN);
    }

    private void start() {
        thread.start();
    }

    private void run() {
        try {
            while (running) {
                long nowNs = System.nanoTime();
                if (turn(nowNs) > 0) {
                    lastActivityNs = nowNs;
                } else {
                    idle(nowNs);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /**
     * One turn: receive up to the frame budget, run the work, flush TX once. Returns frames plus
     * work done. Public so tests can drive a loop without its thread.
     */
    public int turn(long nowNs) {
        turns++;
        int frames = link.receive(receiver, frameBudget);
        framesReceived += frames;
        int done = work.doWork(nowNs);
        link.flushTx();
        return frames + done;
    }

    private void idle(long nowNs) {
        if (nowNs - lastActivityNs < spinNs) {
            Thread.onSpinWait();
            return;
        }
        if (doorbell != null) {
            doorbell.drain();
        }
        if (rx.hasPendingFrame()) {
            return;
        }
        long deadline = work.nextDeadlineNs();
        MemorySegment wait = MemorySegment.NULL;
        if (deadline != Long.MAX_VALUE) {
            long leftNs = deadline - System.nanoTime();
            if (leftNs <= 0) {
                return;
            }
            timeout.set(JAVA_LONG, 0, leftNs / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, leftNs % 1_000_000_000L);
            wait = timeout;
        }
        sleeps++;
        for (int i = 0; i < pollCount; i++) {
            pollFds.set(JAVA_SHORT, i * Native.POLLFD.byteSize() + 6, (short) 0);
        }
        Native.ppoll(callState, pollFds, pollCount, wait);
        if (pollFds.get(JAVA_SHORT, Native.POLLFD.byteSize() + 6) != 0) {
            Native.read(callState, eventFd, eventBuffer, 8); // clears the eventfd
        }
    }

    /** Wakes the loop if it sleeps (for commands queued by other threads). Any thread. */
    public void wakeup() {
        synchronized (wakeBuffer) {
            if (!closed) {
                Native.write(wakeCallState, eventFd, wakeBuffer, 8);
            }
        }
    }

    /** The failure that stopped the loop's thread, or null. */
    public Throwable failure() {
        return failure;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** CPU time the loop's thread has used, in ns (precise: the scheduler's accounting). */
    public long threadCpuTimeNs() {
        return java.lang.management.ManagementFactory.getThreadMXBean().getThreadCpuTime(thread.threadId());
    }

    /** Turns run. Read from the shard thread, or after close. */
    public long turns() {
        return turns;
    }

    /** Times the loop slept in ppoll. Read from the shard thread, or after close. */
    public long sleeps() {
        return sleeps;
    }

    /** Frames handed to the receiver. Read from the shard thread, or after close. */
    public long framesReceived() {
        return framesReceived;
    }

    /**
     * Stops the loop, waits for its thread and frees its eventfd. The link and socket stay open (the
     * caller owns them). Rethrows what stopped the loop, if it failed.
     */
    @Override
    public void close() {
        running = false;
        wakeup();
        if (thread.isAlive() || thread.getState() != Thread.State.NEW) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        synchronized (wakeBuffer) {
            if (closed) {
                return;
            }
            closed = true;
        }
        dev.ferry.afpacket.internal.SocketSetup.closeQuietly(eventFd);
        arena.close();
        if (failure != null) {
            throw new IllegalStateException("shard loop " + thread.getName() + " failed", failure);
        }
    }
}
