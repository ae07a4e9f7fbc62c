package dev.ferry.control.client;

import dev.ferry.control.v1.Credit;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.TelemetryBatch;
import dev.ferry.control.v1.TelemetryServiceGrpc;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ships stream events to the control plane without ever holding up the caller.
 *
 * <p>{@link #offer} puts an event into a bounded queue and returns at once; when the queue is full
 * the event is dropped and counted ({@link #dropped()}), and the count is reported to the server
 * in the next batch. A sender task drains the queue only while it holds credit granted by the
 * server and while gRPC's transport reports the stream ready, so a slow control plane thins
 * telemetry instead of stalling the data path or growing memory.
 *
 * <p>Threading: {@link #offer} is lock-free and safe from any thread. Sending, credit and
 * reconnects run on the scheduler; the call is guarded by {@code lock}.
 */
public final class TelemetryClient implements AutoCloseable {

    private final TelemetryServiceGrpc.TelemetryServiceStub stub;
    private final SidecarHello identity;
    private final int capacity;
    private final int maxBatchEvents;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;

    private final Queue<StreamEvent> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicLong droppedUnreported = new AtomicLong();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong batchesSent = new AtomicLong();
    private final AtomicLong streamsOpened = new AtomicLong();
    private final AtomicBoolean drainPending = new AtomicBoolean();
    private volatile long credit; // written under lock, read lock-free by offer()

    private final Object lock = new Object();
    private ClientCallStreamObserver<TelemetryBatch> call; // guarded by lock
    private long generation; // guarded by lock
    private int failedAttempts; // guarded by lock
    private boolean closed; // guarded by lock

    private TelemetryClient(Builder b) {
        this.stub = TelemetryServiceGrpc.newStub(b.channel);
        this.identity = b.identity;
        this.capacity = b.queueCapacity;
        this.maxBatchEvents = b.maxBatchEvents;
        this.backoff = b.backoff;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform()
                        .daemon()
                        .name("ferry-telemetry-client")
                        .factory())
                : b.scheduler;
    }

    public static Builder builder(Channel channel, SidecarHello identity) {
        return new Builder(channel, identity);
    }

    public TelemetryClient start() {
        scheduler.execute(this::openStream);
        return this;
    }

    /**
     * Queues an event for sending; never blocks. Returns false (and counts a drop) when the queue
     * is full.
     */
    public boolean offer(StreamEvent event) {
        if (queued.incrementAndGet() > capacity) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            droppedUnreported.incrementAndGet();
            return false;
        }
        queue.add(event);
        if (credit > 0) {
            requestDrain();
        }
        return true;
    }

    /** Events dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    /** Events handed to gRPC. */
    public long sent() {
        return sent.get();
    }

    public long batchesSent() {
        return batchesSent.get();
    }

    public long streamsOpened() {
        return streamsOpened.get();
    }

    /** Events waiting in the queue. */
    public int queued() {
        return queued.get();
    }

    /** Events the server currently allows us to send. */
    public long credit() {
        return credit;
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            generation++;
            if (call != null) {
                call.onCompleted();
                call = null;
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private void requestDrain() {
        if (drainPending.compareAndSet(false, true)) {
            try {
                scheduler.execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException closedAlready) {
                drainPending.set(false);
            }
        }
    }

    private void drain() {
        drainPending.set(false);
        synchronized (lock) {
            while (call != null && credit > 0 && call.isReady() && queued.get() > 0) {
                int limit = (int) Math.min(credit, maxBatchEvents);
                TelemetryBatch.Builder batch = TelemetryBatch.newBuilder();
                StreamEvent event;
                while (batch.getEventsCount() < limit && (event = queue.poll()) != null) {
                    queued.decrementAndGet();
                    batch.addEvents(event);
                }
                int count = batch.getEventsCount();
                if (count == 0) {
                    return;
                }
                batch.setDroppedSinceLastBatch(droppedUnreported.getAndSet(0));
                call.onNext(batch.build());
                credit -= count;
                sent.addAndGet(count);
                batchesSent.incrementAndGet();
            }
        }
    }

    private void openStream() {
        long streamGeneration;
        synchronized (lock) {
            if (closed) {
                return;
            }
            streamGeneration = ++generation;
            credit = 0; // credit belongs to a stream; a new stream waits for a new grant
        }
        var requests = (ClientCallStreamObserver<TelemetryBatch>) stub.report(new Responses(streamGeneration));
        synchronized (lock) {
            if (closed || generation != streamGeneration) {
                requests.cancel("superseded", null);
                return;
            }
            call = requests;
            streamsOpened.incrementAndGet();
            // The identity goes first, in an event-free batch that needs no credit.
            requests.onNext(TelemetryBatch.newBuilder().setSidecar(identity).build());
        }
    }

    private void onCredit(long streamGeneration, Credit grant) {
        synchronized (lock) {
            if (generation != streamGeneration) {
                return;
            }
            failedAttempts = 0;
            credit += grant.getEvents();
        }
        requestDrain();
    }

    private void streamEnded(long streamGeneration) {
        synchronized (lock) {
            if (closed || generation != streamGeneration) {
                return;
            }
            call = null;
            credit = 0;
            long delayNs = backoff.delayNs(failedAttempts++);
            scheduler.schedule(this::openStream, delayNs, TimeUnit.NANOSECONDS);
        }
    }

    private final class Responses implements ClientResponseObserver<TelemetryBatch, Credit> {
        private final long streamGeneration;

        Responses(long streamGeneration) {
            this.streamGeneration = streamGeneration;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<TelemetryBatch> requestStream) {
            requestStream.setOnReadyHandler(TelemetryClient.this::requestDrain);
        }

        @Override
        public void onNext(Credit grant) {
            onCredit(streamGeneration, grant);
        }

        @Override
        public void onError(Throwable t) {
            streamEnded(streamGeneration);
        }

        @Override
        public void onCompleted() {
            streamEnded(streamGeneration);
        }
    }

    public static final class Builder {
        private final Channel channel;
        private final SidecarHello identity;
        private int queueCapacity = 8192;
        private int maxBatchEvents = 512;
        private Backoff backoff = Backoff.defaults();
        private ScheduledExecutorService scheduler;

        private Builder(Channel channel, SidecarHello identity) {
            this.channel = Objects.requireNonNull(channel);
            this.identity = Objects.requireNonNull(identity);
        }

        public Builder queueCapacity(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("queue capacity must be >= 1");
            }
            this.queueCapacity = events;
            return this;
        }

        public Builder maxBatchEvents(int events) {
            if (events < 1) {
                throw new IllegalArgumentException("batch size must be >= 1");
            }
            this.maxBatchEvents = events;
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Runs sending and reconnects on this scheduler (not shut down by the client). */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        public TelemetryClient build() {
            return new TelemetryClient(this);
        }
    }
}
