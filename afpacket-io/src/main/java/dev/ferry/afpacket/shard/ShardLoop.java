package dev.ferry.afpacket.shard;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import dev.ferry.afpacket.Doorbell;
import dev.ferry.afpacket.RxRing;
import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.afpacket.internal.Native;
import dev.ferry.afpacket.internal.Scheduling;
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
 * <p>Coalescing under load ({@code coalesceNs}, the idea of Linux's {@code napi_defer_hard_irqs}
 * with {@code gro_flush_timeout}): a doorbell wakes the shard once per sleep, and each wake-up costs
 * the CPU that received the frame a wake of this thread and this thread a {@code ppoll} round
 * trip. When frames come densely that is paid for one or two frames a time. So when the first turn
 * after a sleep finds two frames or more (they piled up while the thread woke), the next sleeps
 * leave the doorbell full (the kernel then drops its copies cheaply and wakes nobody) and wait on a
 * timer of {@code coalesceNs} instead, collecting a batch; as soon as a turn after such a sleep finds
 * fewer than two frames, batching no longer pays and the doorbell is back. A lone request/response
 * exchange therefore keeps per-packet wake-ups and its latency; only dense traffic waits, at most
 * {@code coalesceNs}, for its batch.
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
        private long coalesceNs = 0;
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

        /**
         * How long a sleep under dense traffic may wait to collect a batch instead of waking per
         * frame (default 0: never; see the class comment). Only useful with a doorbell.
         */
        public Builder coalesceNs(long ns) {
            if (ns < 0) {
                throw new IllegalArgumentException("negative coalescing window " + ns);
            }
            this.coalesceNs = ns;
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
    private final long coalesceNs;
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
    private long coalescedSleeps;
    private int lastTurnFrames;
    /** The next turn is the first after a sleep: it decides whether the next sleep coalesces. */
    private boolean firstTurnAfterSleep;

    private boolean coalescing;
    private boolean closed;

    private ShardLoop(Builder b) {
        this.link = b.link;
        this.receiver = b.receiver;
        this.work = b.work;
        this.frameBudget = b.frameBudget;
        this.spinNs = b.spinNs;
        this.coalesceNs = b.coalesceNs;
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
            if (coalesceNs > 0) {
                // A coalescing sleep is short; the default 50 µs slack would dwarf it.
                Scheduling.currentThreadTimerSlack(Math.max(1_000L, coalesceNs / 8));
            }
            while (running) {
                long nowNs = System.nanoTime();
                int done = turn(nowNs);
                if (firstTurnAfterSleep) {
                    firstTurnAfterSleep = false;
                    coalescing = coalesceNs > 0 && lastTurnFrames >= 2;
                }
                if (done > 0) {
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
        long ringFramesBefore = rx.framesRead();
        int frames = link.receive(receiver, frameBudget);
        framesReceived += frames;
        int done = work.doWork(nowNs);
        link.flushTx();
        // The work may read the ring itself (a stack that receives inside its own poll).
        lastTurnFrames = (int) (rx.framesRead() - ringFramesBefore);
        return frames + done;
    }

    private void idle(long nowNs) {
        if (nowNs - lastActivityNs < spinNs) {
            Thread.onSpinWait();
            return;
        }
        boolean coalesce = coalescing && doorbell != null;
        if (doorbell != null && !coalesce) {
            doorbell.drain();
        }
        if (rx.hasPendingFrame()) {
            return;
        }
        long leftNs = Long.MAX_VALUE;
        long deadline = work.nextDeadlineNs();
        if (deadline != Long.MAX_VALUE) {
            leftNs = deadline - System.nanoTime();
            if (leftNs <= 0) {
                return;
            }
        }
        MemorySegment wait = MemorySegment.NULL;
        if (coalesce) {
            leftNs = Math.min(leftNs, coalesceNs);
            coalescedSleeps++;
        }
        if (leftNs != Long.MAX_VALUE) {
            timeout.set(JAVA_LONG, 0, leftNs / 1_000_000_000L);
            timeout.set(JAVA_LONG, 8, leftNs % 1_000_000_000L);
            wait = timeout;
        }
        sleeps++;
        // The doorbell is the last poll entry: a coalescing sleep leaves it out.
        int count = coalesce ? pollCount - 1 : pollCount;
        for (int i = 0; i < count; i++) {
            pollFds.set(JAVA_SHORT, i * Native.POLLFD.byteSize() + 6, (short) 0);
        }
        Native.ppoll(callState, pollFds, count, wait);
        firstTurnAfterSleep = true;
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

    /** Sleeps that waited on the coalescing timer instead of the doorbell. Read from the shard thread, or after close. */
    public long coalescedSleeps() {
        return coalescedSleeps;
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
