package dev.ferry.control.plane.policy;

import dev.ferry.control.policy.PolicyDeltas;
import dev.ferry.control.policy.PolicyValidator;
import dev.ferry.control.policy.PolicyVersions;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyDelta;
import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.PolicyReply;
import dev.ferry.control.v1.PolicyServiceGrpc;
import dev.ferry.control.v1.SidecarMessage;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The policy service: one session per connected sidecar; computes each sidecar's effective policy
 * from the {@link PolicyStore} and pushes it when it changes.
 *
 * <p>Protocol, per stream: the first push is always a snapshot; later pushes are deltas when the
 * sidecar ACKed the version the delta builds on and the delta is smaller than the snapshot. A NACK
 * keeps the sidecar on its last good version; a NACKed delta is retried once as a snapshot, a
 * NACKed snapshot is not retried until the policy changes again.
 */
public final class PolicyDistributor extends PolicyServiceGrpc.PolicyServiceImplBase {

    private final PolicyStore store;
    private final PodDirectory pods;
    private final Set<SidecarSession> sessions = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final List<Runnable> statusListeners = new CopyOnWriteArrayList<>();

    private final AtomicLong pushes = new AtomicLong();
    private final AtomicLong deltaPushes = new AtomicLong();
    private final AtomicLong acks = new AtomicLong();
    private final AtomicLong nacks = new AtomicLong();
    private final AtomicLong staleReplies = new AtomicLong();
    private final AtomicLong abandonedPushes = new AtomicLong();
    private final AtomicLong heldBackPushes = new AtomicLong();

    public PolicyDistributor(PolicyStore store, PodDirectory pods) {
        this.store = store;
        this.pods = pods;
    }

    /** Called (on the thread that caused it) whenever ACK/NACK/selection counts may have changed. */
    public void onStatusChange(Runnable listener) {
        statusListeners.add(listener);
    }

    @Override
    public StreamObserver<SidecarMessage> streamPolicy(StreamObserver<PolicyPush> pushesOut) {
        SidecarStream stream = new SidecarStream(pushesOut);
        if (pushesOut instanceof ServerCallStreamObserver<PolicyPush> call) {
            // A sidecar that does not read must not make us buffer pushes: they are held back
            // while the transport is full, and only the newest version goes out when it drains.
            call.setOnReadyHandler(stream::ready);
            // With a cancel handler, writes to a cancelled call are ignored instead of throwing.
            call.setOnCancelHandler(stream::ended);
        }
        return stream;
    }

    /** One sidecar's policy stream, from its hello to its end. */
    private final class SidecarStream implements StreamObserver<SidecarMessage> {
        private final StreamObserver<PolicyPush> pushesOut;
        private volatile SidecarSession session;

        SidecarStream(StreamObserver<PolicyPush> pushesOut) {
            this.pushesOut = pushesOut;
        }

        @Override
        public void onNext(SidecarMessage message) {
            switch (message.getBodyCase()) {
                case HELLO -> {
                    if (session != null) {
                        fail(Status.INVALID_ARGUMENT.withDescription("hello sent twice"));
                        return;
                    }
                    if (message.getHello().getPod().isEmpty()
                            || message.getHello().getNamespace().isEmpty()) {
                        fail(Status.INVALID_ARGUMENT.withDescription("hello needs pod and namespace"));
                        return;
                    }
                    session = new SidecarSession(message.getHello(), pushesOut);
                    sessions.add(session);
                    reconcile(session, new HashMap<>());
                    fireStatus();
                }
                case REPLY -> {
                    if (session == null) {
                        fail(Status.FAILED_PRECONDITION.withDescription("the first message must be a hello"));
                        return;
                    }
                    onReply(session, message.getReply());
                }
                default -> {} // a newer sidecar's message kind: ignored, as proto3 intends
            }
        }

        @Override
        public void onError(Throwable t) {
            ended();
        }

        @Override
        public void onCompleted() {
            ended();
            closeQuietly(pushesOut, null);
        }

        /** The transport can take more: send what was held back while it could not. */
        void ready() {
            SidecarSession s = session;
            if (s != null && s.heldBack) {
                reconcile(s, new HashMap<>());
            }
        }

        void ended() {
            SidecarSession s = session;
            if (s != null && sessions.remove(s)) {
                fireStatus();
            }
        }

        private void fail(Status status) {
            ended();
            closeQuietly(pushesOut, status);
        }
    }

    /** Recomputes every sidecar's effective policy and pushes where it changed. */
    public void refreshAll() {
        // Pods of one Deployment share labels: merge once per distinct label set.
        Map<List<Object>, Effective> byLabels = new HashMap<>();
        for (SidecarSession session : sessions) {
            reconcile(session, byLabels);
        }
        fireStatus();
    }

    /**
     * A pod's effective policy: what was merged, the result, and why it cannot be pushed (if so).
     * {@code deltas} caches the delta from each base version: sidecars of one Deployment all move
     * from the same version to the same version.
     */
    private record Effective(
            List<String> keys,
            Policy merged,
            List<String> problems,
            String version,
            Map<String, Optional<PolicyDelta>> deltas) {}

    private Effective effective(String namespace, Map<String, String> labels) {
        List<AcceptedPolicy> selected = store.selecting(namespace, labels);
        Policy merged = PolicyMerger.merge(selected);
        List<String> problems = PolicyValidator.violations(merged);
        return new Effective(
                selected.stream().map(AcceptedPolicy::key).toList(),
                merged,
                problems,
                problems.isEmpty() ? PolicyVersions.versionOf(merged) : null,
                new HashMap<>());
    }

    private void reconcile(SidecarSession session, Map<List<Object>, Effective> byLabels) {
        String namespace = session.hello.getNamespace();
        Optional<Map<String, String>> labels =
                pods.labels(namespace, session.hello.getPod(), session.hello.getLabelsMap());
        synchronized (session) {
            if (labels.isEmpty()) {
                session.selectedKeys = List.of(); // pod unknown yet: nothing to push
                return;
            }
            Effective effective =
                    byLabels.computeIfAbsent(List.of(namespace, labels.get()), k -> effective(namespace, labels.get()));
            session.selectedKeys = effective.keys();
            session.mergeProblems = effective.problems();
            if (!effective.problems().isEmpty()) {
                return; // contradictory policies: keep the sidecar on its last good version
            }
            boolean firstPush = session.pushedVersion == null;
            if (!firstPush && effective.version().equals(session.pushedVersion)) {
                session.pushedPolicy = effective.merged(); // provenance may have changed; nothing to send
                return;
            }
            push(session, effective.version(), effective.merged(), firstPush ? null : effective.deltas());
        }
    }

    /**
     * Caller holds the session's monitor. {@code deltas} is null when only a snapshot will do;
     * otherwise it caches, per base version, the delta if it is smaller than the snapshot.
     */
    private void push(
            SidecarSession session, String version, Policy policy, Map<String, Optional<PolicyDelta>> deltas) {
        if (deltas != null && session.pushes instanceof ServerCallStreamObserver<PolicyPush> call && !call.isReady()) {
            // Held back, not queued: when the transport drains, ready() reconciles again and
            // sends whatever is newest then. (The first push and NACK retries always go out.)
            session.heldBack = true;
            heldBackPushes.incrementAndGet();
            return;
        }
        session.heldBack = false;
        PolicyPush.Builder push =
                PolicyPush.newBuilder().setVersion(version).setNonce(Long.toString(++session.nextNonce));
        boolean delta = false;
        if (deltas != null && session.ackedPolicy != null && session.ackedVersion.equals(session.pushedVersion)) {
            Policy base = session.ackedPolicy;
            Optional<PolicyDelta> d = deltas.computeIfAbsent(session.ackedVersion, v -> {
                PolicyDelta candidate = PolicyDeltas.diff(base, policy);
                return candidate.getSerializedSize() < policy.getSerializedSize()
                        ? Optional.of(candidate)
                        : Optional.empty();
            });
            if (d.isPresent()) {
                push.setDelta(d.get()).setBaseVersion(session.ackedVersion);
                delta = true;
            }
        }
        if (!delta) {
            push.setSnapshot(policy);
        }
        session.pushedVersion = version;
        session.pushedPolicy = policy;
        session.pushedNonce = push.getNonce();
        session.pushedAsDelta = delta;
        pushes.incrementAndGet();
        if (delta) {
            deltaPushes.incrementAndGet();
        }
        try {
            synchronized (session.pushes) {
                session.pushes.onNext(push.build());
            }
        } catch (RuntimeException callGone) {
            // The sidecar went away (cancelled call) between our look-up and the write; its
            // stream's onError removes it too. One dead stream must not stop a refresh of all.
            sessions.remove(session);
            abandonedPushes.incrementAndGet();
        }
    }

    /** Ends a stream with {@code status} (or normally); a stream closed meanwhile is left alone. */
    private static void closeQuietly(StreamObserver<PolicyPush> pushes, Status status) {
        try {
            synchronized (pushes) {
                if (status == null) {
                    pushes.onCompleted();
                } else {
                    pushes.onError(status.asRuntimeException());
                }
            }
        } catch (RuntimeException alreadyClosed) {
            // closeAll() and the client's own half-close may race: either way the stream is over.
        }
    }

    /** Pushes not sent because the sidecar's stream was full (a newer one follows when it drains). */
    public long heldBackPushes() {
        return heldBackPushes.get();
    }

    /** Pushes that found their stream already closed. */
    public long abandonedPushes() {
        return abandonedPushes.get();
    }

    private void onReply(SidecarSession session, PolicyReply reply) {
        synchronized (session) {
            if (!reply.getNonce().equals(session.pushedNonce)) {
                staleReplies.incrementAndGet(); // answers a push that a newer one superseded
                return;
            }
            if (reply.getAccepted()) {
                acks.incrementAndGet();
                session.ackedVersion = reply.getVersion();
                session.ackedPolicy = session.pushedPolicy;
                session.nackReason = null;
            } else {
                nacks.incrementAndGet();
                session.nackReason = reply.getReason();
                if (session.pushedAsDelta) {
                    // The sidecar may have lost the base (restart, missed push): send it whole once.
                    push(session, session.pushedVersion, session.pushedPolicy, null);
                }
            }
        }
        fireStatus();
    }

    private void fireStatus() {
        for (Runnable listener : statusListeners) {
            listener.run();
        }
    }

    /** The status of every known policy, from the store's verdicts and the sessions' answers. */
    public List<PolicyReport> reports() {
        Map<String, int[]> counts = new LinkedHashMap<>(); // selected, acked, nacked
        Map<String, Set<String>> reasons = new LinkedHashMap<>();
        Map<String, Set<String>> conflicts = new LinkedHashMap<>();
        for (SidecarSession session : sessions) {
            synchronized (session) {
                // Counted as ACKed only when up to date: the sidecar runs what we last pushed.
                boolean upToDate = session.ackedPolicy != null
                        && java.util.Objects.equals(session.ackedVersion, session.pushedVersion);
                List<String> running = upToDate ? session.ackedPolicy.getSourcesList() : List.of();
                List<String> pushed = session.pushedPolicy == null ? List.of() : session.pushedPolicy.getSourcesList();
                for (String key : session.selectedKeys) {
                    int[] c = counts.computeIfAbsent(key, k -> new int[3]);
                    c[0]++;
                    if (session.nackReason != null && pushed.contains(key)) {
                        c[2]++;
                        reasons.computeIfAbsent(key, k -> new LinkedHashSet<>())
                                .add(session.podKey() + ": " + session.nackReason);
                    } else if (running.contains(key)) {
                        c[1]++;
                    }
                    if (!session.mergeProblems.isEmpty()) {
                        conflicts
                                .computeIfAbsent(key, k -> new LinkedHashSet<>())
                                .add(session.podKey() + ": policies " + session.selectedKeys + " contradict: "
                                        + String.join("; ", session.mergeProblems));
                    }
                }
            }
        }
        List<PolicyReport> out = new ArrayList<>();
        for (PolicyStore.Entry entry : store.entries()) {
            int[] c = counts.getOrDefault(entry.key(), new int[3]);
            out.add(new PolicyReport(
                    entry.key(),
                    entry.generation(),
                    entry.valid(),
                    entry.problems(),
                    c[0],
                    c[1],
                    c[2],
                    List.copyOf(reasons.getOrDefault(entry.key(), Set.of())),
                    List.copyOf(conflicts.getOrDefault(entry.key(), Set.of()))));
        }
        return out;
    }

    public int connectedSidecars() {
        return sessions.size();
    }

    public long pushes() {
        return pushes.get();
    }

    public long deltaPushes() {
        return deltaPushes.get();
    }

    public long acks() {
        return acks.get();
    }

    public long nacks() {
        return nacks.get();
    }

    public long staleReplies() {
        return staleReplies.get();
    }

    /** Ends every stream (graceful shutdown): sidecars keep their policy and reconnect elsewhere. */
    public void closeAll() {
        for (SidecarSession session : sessions) {
            closeQuietly(session.pushes, null);
        }
        sessions.clear();
    }
}
