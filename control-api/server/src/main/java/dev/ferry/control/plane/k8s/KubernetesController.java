package dev.ferry.control.plane.k8s;

import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.plane.crd.StreamPolicyStatus;
import dev.ferry.control.plane.policy.PodDirectory;
import dev.ferry.control.plane.policy.PolicyReport;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connects the control plane to Kubernetes: informers on StreamPolicies (all namespaces) and on
 * pods that carry a sidecar, and status write-back.
 *
 * <ul>
 *   <li>A StreamPolicy add/update goes into the {@link dev.ferry.control.plane.policy.PolicyStore};
 *       if its accepted form changed, every sidecar's effective policy is recomputed.
 *   <li>Pod labels come from the API server, never from the sidecar (a sidecar could claim any
 *       label); a pod not in the cache yet gets no policy until the informer sees it.
 *   <li>Status: {@code Accepted} and {@code Applied} conditions plus ACK/NACK counts, written only
 *       when they change.
 * </ul>
 */
public final class KubernetesController implements PodDirectory, AutoCloseable {

    /** Pods the webhook injected carry this label; only they run sidecars. */
    public static final String INJECT_LABEL = "ferry.dev/inject";

    private static final System.Logger LOG = System.getLogger(KubernetesController.class.getName());

    private final KubernetesClient client;
    private final Map<String, StreamPolicyStatus> written = new ConcurrentHashMap<>();
    private SharedIndexInformer<StreamPolicy> policies;
    private SharedIndexInformer<Pod> pods;
    private volatile Runnable publishAgain = () -> {};

    public KubernetesController(KubernetesClient client) {
        this.client = client;
    }

    /** Starts both informers and waits for their first full listing. */
    public void start(ControlPlane plane) {
        publishAgain = plane::statusChanged;
        pods = client.pods().inAnyNamespace().withLabel(INJECT_LABEL, "enabled").inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                plane.policiesChanged();
            }

            @Override
            public void onUpdate(Pod before, Pod after) {
                if (!Objects.equals(
                        before.getMetadata().getLabels(), after.getMetadata().getLabels())) {
                    plane.policiesChanged();
                }
            }

            @Override
            public void onDelete(Pod pod, boolean finalStateUnknown) {
                plane.policiesChanged();
            }
        });
        policies = client.resources(StreamPolicy.class).inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(StreamPolicy policy) {
                upsert(plane, policy);
            }

            @Override
            public void onUpdate(StreamPolicy before, StreamPolicy after) {
                // Also our own status writes: the store sees an unchanged spec and only the
                // status publisher runs, which writes nothing when nothing changed.
                upsert(plane, after);
            }

            @Override
            public void onDelete(StreamPolicy policy, boolean finalStateUnknown) {
                written.remove(policy.key());
                if (plane.store()
                        .remove(
                                policy.getMetadata().getNamespace(),
                                policy.getMetadata().getName())) {
                    plane.policiesChanged();
                }
            }
        });
    }

    private static void upsert(ControlPlane plane, StreamPolicy policy) {
        Long generation = policy.getMetadata().getGeneration();
        boolean changed = plane.store()
                .upsert(
                        policy.getMetadata().getNamespace(),
                        policy.getMetadata().getName(),
                        generation == null ? 0 : generation,
                        policy.getSpec());
        if (changed) {
            plane.policiesChanged();
        } else {
            plane.statusChanged();
        }
    }

    @Override
    public Optional<Map<String, String>> labels(String namespace, String pod, Map<String, String> claimed) {
        Pod cached = pods == null ? null : pods.getIndexer().getByKey(namespace + "/" + pod);
        if (cached == null) {
            return Optional.empty();
        }
        Map<String, String> labels = cached.getMetadata().getLabels();
        return Optional.of(labels == null ? Map.of() : labels);
    }

    /** Writes each policy's status if it differs from what was last written. */
    public void publish(List<PolicyReport> reports) {
        for (PolicyReport report : reports) {
            StreamPolicyStatus status = statusOf(report);
            StreamPolicyStatus previous = written.get(report.key());
            if (previous != null && sameIgnoringTimes(previous, status)) {
                continue;
            }
            keepTransitionTimes(previous, status);
            String[] nsName = report.key().split("/", 2);
            if (writeStatus(nsName[0], nsName[1], status)) {
                written.put(report.key(), status);
            }
        }
    }

    /** editStatus reads, then patches; a concurrent writer (a person's edit) means read again. */
    private boolean writeStatus(String namespace, String name, StreamPolicyStatus status) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(StreamPolicy.class)
                        .inNamespace(namespace)
                        .withName(name)
                        .editStatus(p -> {
                            p.setStatus(status);
                            return p;
                        });
                return true;
            } catch (KubernetesClientException e) {
                if (code(e) == 404) {
                    return false; // deleted meanwhile: nothing to report on
                }
                if (!isConflict(e) || attempt == 3) {
                    // Still conflicting, or the API server is unwell: try again on the next
                    // publication, which this schedules (it is debounced, so no tight loop).
                    LOG.log(
                            System.Logger.Level.DEBUG,
                            "status of " + namespace + "/" + name + " not written: " + e.getMessage());
                    publishAgain.run();
                    return false;
                }
            }
        }
    }

    /** HTTP 409: someone wrote the object between our read and our write. */
    public static boolean isConflict(KubernetesClientException e) {
        return code(e) == 409;
    }

    /** The HTTP status, also when the client wrapped the exception that carries it. */
    static int code(KubernetesClientException e) {
        if (e.getCode() == 0 && e.getCause() instanceof KubernetesClientException cause) {
            return cause.getCode();
        }
        return e.getCode();
    }

    static StreamPolicyStatus statusOf(PolicyReport report) {
        StreamPolicyStatus status = new StreamPolicyStatus();
        status.setObservedGeneration(report.generation());
        status.setSelectedSidecars(report.selected());
        status.setAckedSidecars(report.acked());
        status.setNackedSidecars(report.nacked());
        status.setNackReasons(report.nackReasons());
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        status.getConditions()
                .add(
                        report.accepted()
                                ? condition(
                                        "Accepted",
                                        "True",
                                        "Valid",
                                        "The policy is valid and in use.",
                                        report.generation(),
                                        now)
                                : condition(
                                        "Accepted",
                                        "False",
                                        "Invalid",
                                        "Rejected, the last valid version stays in use: "
                                                + String.join("; ", report.problems()),
                                        report.generation(),
                                        now));
        Condition applied;
        if (!report.conflicts().isEmpty()) {
            applied = condition(
                    "Applied", "False", "Conflict", String.join("; ", report.conflicts()), report.generation(), now);
        } else if (report.nacked() > 0) {
            applied = condition(
                    "Applied",
                    "False",
                    "Nacked",
                    report.nacked() + " of " + report.selected() + " sidecars rejected it: "
                            + String.join("; ", report.nackReasons()),
                    report.generation(),
                    now);
        } else if (report.selected() == 0) {
            applied = condition(
                    "Applied",
                    "True",
                    "NoSidecars",
                    "No connected sidecar selects this policy.",
                    report.generation(),
                    now);
        } else if (report.acked() < report.selected()) {
            applied = condition(
                    "Applied",
                    "False",
                    "Pending",
                    report.acked() + " of " + report.selected() + " sidecars acknowledged",
                    report.generation(),
                    now);
        } else {
            applied = condition(
                    "Applied",
                    "True",
                    "Acknowledged",
                    report.acked() + " of " + report.selected() + " sidecars acknowledged",
                    report.generation(),
                    now);
        }
        status.getConditions().add(applied);
        return status;
    }

    private static Condition condition(
            String type, String status, String reason, String message, long generation, String now) {
        return new ConditionBuilder()
                .withType(type)
                .withStatus(status)
                .withReason(reason)
                .withMessage(message)
                .withObservedGeneration(generation)
                .withLastTransitionTime(now)
                .build();
    }

    private static boolean sameIgnoringTimes(StreamPolicyStatus a, StreamPolicyStatus b) {
        if (!Objects.equals(a.getObservedGeneration(), b.getObservedGeneration())
                || a.getSelectedSidecars() != b.getSelectedSidecars()
                || a.getAckedSidecars() != b.getAckedSidecars()
                || a.getNackedSidecars() != b.getNackedSidecars()
                || !a.getNackReasons().equals(b.getNackReasons())
                || a.getConditions().size() != b.getConditions().size()) {
            return false;
        }
        for (int i = 0; i < a.getConditions().size(); i++) {
            Condition x = a.getConditions().get(i);
            Condition y = b.getConditions().get(i);
            if (!Objects.equals(x.getType(), y.getType())
                    || !Objects.equals(x.getStatus(), y.getStatus())
                    || !Objects.equals(x.getReason(), y.getReason())
                    || !Objects.equals(x.getMessage(), y.getMessage())) {
                return false;
            }
        }
        return true;
    }

    /** Kubernetes convention: lastTransitionTime changes only when the condition's status does. */
    private static void keepTransitionTimes(StreamPolicyStatus previous, StreamPolicyStatus next) {
        if (previous == null) {
            return;
        }
        for (Condition c : next.getConditions()) {
            previous.getConditions().stream()
                    .filter(p ->
                            p.getType().equals(c.getType()) && p.getStatus().equals(c.getStatus()))
                    .findFirst()
                    .ifPresent(p -> c.setLastTransitionTime(p.getLastTransitionTime()));
        }
    }

    @Override
    public void close() {
        if (policies != null) {
            policies.close();
        }
        if (pods != null) {
            pods.close();
        }
    }
}
