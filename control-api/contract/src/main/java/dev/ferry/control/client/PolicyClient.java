package dev.ferry.control.client;

import dev.ferry.control.policy.PolicyDeltas;
import dev.ferry.control.policy.PolicyValidator;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.PolicyReply;
import dev.ferry.control.v1.PolicyServiceGrpc;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.SidecarMessage;
import io.grpc.Channel;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sidecar's end of the policy stream: keeps one stream open to the control plane, checks and
 * applies every pushed version, and answers each push with an ACK or a NACK.
 *
 * <ul>
 *   <li>A pushed version is first checked by the shared {@link PolicyValidator}, then by the
 *       sidecar's {@link PolicyCheck}, then handed to the {@link PolicyListener}. Any failure
 *       NACKs it with the reason; the previous version stays the last good one.
 *   <li>When the stream ends or fails, the client reconnects after a {@link Backoff} delay and
 *       says which version it runs; the last good policy keeps being enforced meanwhile.
 * </ul>
 *
 * <p>Threading: gRPC delivers pushes one at a time; the outbound stream is guarded by {@code lock}
 * because replies (stream thread), reconnects (scheduler) and {@link #close()} (caller) all write
 * to it. {@link #current()} may be read from any thread.
 */
public final class PolicyClient implements AutoCloseable {

    private final PolicyServiceGrpc.PolicyServiceStub stub;
    private final SidecarHello identity;
    private final PolicyCheck check;
    private final PolicyListener listener;
    private final Backoff backoff;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;

    private volatile AppliedPolicy current;
    private final java.util.concurrent.CountDownLatch firstPolicy = new java.util.concurrent.CountDownLatch(1);
    private volatile String lastNackReason;

    private final Object lock = new Object();
    private StreamObserver<SidecarMessage> outbound; // guarded by lock
    private long generation; // guarded by lock; bumps per stream so stale callbacks are ignored
    private int failedAttempts; // guarded by lock
    private boolean closed; // guarded by lock

    private final AtomicLong streamsOpened = new AtomicLong();
    private final AtomicLong pushesReceived = new AtomicLong();
    private final AtomicLong acksSent = new AtomicLong();
    private final AtomicLong nacksSent = new AtomicLong();

    private PolicyClient(Builder b) {
        this.stub = PolicyServiceGrpc.newStub(b.channel);
        this.identity = b.identity;
        this.check = b.check;
        this.listener = b.listener;
        this.backoff = b.backoff;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = ownsScheduler
                ? Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().daemon().name("ferry-policy-client").factory())
                : b.scheduler;
        this.current = b.initial;
        if (current != null) {
            firstPolicy.countDown();
        }
    }

    public static Builder builder(Channel channel, SidecarHello identity) {
        return new Builder(channel, identity);
    }

    /** Opens the stream; returns at once (connection and pushes happen in the background). */
    public PolicyClient start() {
        scheduler.execute(this::openStream);
        return this;
    }

    /** The last good policy: what the sidecar enforces now, kept through control-plane outages. */
    public Optional<AppliedPolicy> current() {
        return Optional.ofNullable(current);
    }

    /**
     * Waits until a policy is in force (pushed and accepted, or given as initial policy). A sidecar
     * can call this at start to decide between serving with the policy and serving with defaults.
     */
    public boolean awaitPolicy(java.time.Duration timeout) throws InterruptedException {
        return firstPolicy.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** True while a stream is open (it may still be waiting for its first push). */
    public boolean connected() {
        synchronized (lock) {
            return outbound != null;
        }
    }

    /** "version: reason" of the last version this client rejected, for the sidecar's admin endpoint. */
    public Optional<String> lastNackReason() {
        return Optional.ofNullable(lastNackReason);
    }

    public long streamsOpened() {
        return streamsOpened.get();
    }

    public long pushesReceived() {
        return pushesReceived.get();
    }

    public long acksSent() {
        return acksSent.get();
    }

    public long nacksSent() {
        return nacksSent.get();
    }

    /** Ends the stream and stops reconnecting. The last good policy stays readable. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            generation++;
            if (outbound != null) {
                outbound.onCompleted();
                outbound = null;
            }
        }
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private void openStream() {
        long streamGeneration;
        synchronized (lock) {
            if (closed) {
                return;
            }
            streamGeneration = ++generation;
        }
        StreamObserver<SidecarMessage> out = stub.streamPolicy(new Inbound(streamGeneration));
        AppliedPolicy running = current;
        SidecarHello hello = identity.toBuilder()
                .setAppliedVersion(running == null ? "" : running.version())
                .build();
        synchronized (lock) {
            if (closed || generation != streamGeneration) {
                out.onCompleted();
                return;
            }
            outbound = out;
            streamsOpened.incrementAndGet();
            out.onNext(SidecarMessage.newBuilder().setHello(hello).build());
        }
    }

    private void streamEnded(long streamGeneration) {
        synchronized (lock) {
            if (closed || generation != streamGeneration) {
                return;
            }
            outbound = null;
            long delayNs = backoff.delayNs(failedAttempts++);
            scheduler.schedule(this::openStream, delayNs, TimeUnit.NANOSECONDS);
        }
    }

    private void onPush(long streamGeneration, PolicyPush push) {
        pushesReceived.incrementAndGet();
        synchronized (lock) {
            if (generation != streamGeneration) {
                return;
            }
            failedAttempts = 0; // the control plane answered: the next failure starts the backoff over
        }
        String rejection = decide(push);
        PolicyReply.Builder reply =
                PolicyReply.newBuilder().setVersion(push.getVersion()).setNonce(push.getNonce());
        if (rejection == null) {
            reply.setAccepted(true);
            acksSent.incrementAndGet();
        } else {
            reply.setAccepted(false).setReason(rejection);
            nacksSent.incrementAndGet();
            lastNackReason = push.getVersion() + ": " + rejection;
        }
        synchronized (lock) {
            if (generation == streamGeneration && outbound != null) {
                outbound.onNext(SidecarMessage.newBuilder().setReply(reply).build());
            }
        }
    }

    /** Applies the push if it is good; returns null on success, else the NACK reason. */
    private String decide(PolicyPush push) {
        AppliedPolicy running = current;
        if (running != null && running.version().equals(push.getVersion())) {
            return null; // already running it (typically after a reconnect): nothing to apply
        }
        Policy candidate;
        switch (push.getChangeCase()) {
            case SNAPSHOT -> candidate = push.getSnapshot();
            case DELTA -> {
                if (running == null || !running.version().equals(push.getBaseVersion())) {
                    return "delta for base version '" + push.getBaseVersion() + "' but running '"
                            + (running == null ? "" : running.version()) + "'";
                }
                candidate = PolicyDeltas.apply(running.policy(), push.getDelta());
            }
            default -> {
                return "push carries neither a snapshot nor a delta";
            }
        }
        List<String> problems = new ArrayList<>(PolicyValidator.violations(candidate));
        problems.addAll(check.problems(candidate));
        if (!problems.isEmpty()) {
            return String.join("; ", problems);
        }
        AppliedPolicy next = new AppliedPolicy(push.getVersion(), candidate);
        try {
            listener.apply(next);
        } catch (Exception e) {
            return "sidecar could not apply the policy: " + e;
        }
        current = next;
        firstPolicy.countDown();
        return null;
    }

    private final class Inbound implements StreamObserver<PolicyPush> {
        private final long streamGeneration;

        Inbound(long streamGeneration) {
            this.streamGeneration = streamGeneration;
        }

        @Override
        public void onNext(PolicyPush push) {
            onPush(streamGeneration, push);
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
        private PolicyCheck check = PolicyCheck.NONE;
        private PolicyListener listener = policy -> {};
        private Backoff backoff = Backoff.defaults();
        private ScheduledExecutorService scheduler;
        private AppliedPolicy initial;

        private Builder(Channel channel, SidecarHello identity) {
            this.channel = Objects.requireNonNull(channel);
            this.identity = Objects.requireNonNull(identity);
        }

        public Builder check(PolicyCheck check) {
            this.check = Objects.requireNonNull(check);
            return this;
        }

        public Builder listener(PolicyListener listener) {
            this.listener = Objects.requireNonNull(listener);
            return this;
        }

        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff);
            return this;
        }

        /** Runs reconnects on this scheduler (not shut down by the client); default: its own thread. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler);
            return this;
        }

        /** A policy already running (e.g. restored from disk): enforced until a push replaces it. */
        public Builder initialPolicy(AppliedPolicy initial) {
            this.initial = initial;
            return this;
        }

        public PolicyClient build() {
            return new PolicyClient(this);
        }
    }
}
