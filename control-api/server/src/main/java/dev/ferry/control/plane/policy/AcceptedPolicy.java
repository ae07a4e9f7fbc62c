package dev.ferry.control.plane.policy;

import dev.ferry.control.v1.ListenerPolicy;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.Comparator;
import java.util.List;

/**
 * The last valid version of one StreamPolicy, in wire form. An invalid update does not replace it:
 * a bad policy never replaces a good one.
 */
public record AcceptedPolicy(
        String namespace,
        String name,
        long generation,
        int priority,
        LabelSelector selector,
        List<ListenerPolicy> listeners) {

    /** Merge order: higher priority first, then namespace/name, so the result never depends on arrival order. */
    public static final Comparator<AcceptedPolicy> PRECEDENCE = Comparator.comparingInt(AcceptedPolicy::priority)
            .reversed()
            .thenComparing(AcceptedPolicy::namespace)
            .thenComparing(AcceptedPolicy::name);

    public String key() {
        return namespace + "/" + name;
    }
}
