package dev.ferry.control.policy;

import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyDelta;
import java.util.Map;
import java.util.TreeMap;

/** Computes and applies listener-granular deltas between two policies. */
public final class PolicyDeltas {

    private PolicyDeltas() {}

    /** The delta that turns {@code from} into {@code to} (same listeners after {@link #apply}). */
    public static PolicyDelta diff(Policy from, Policy to) {
        Map<Integer, ListenerPolicy> before = byPort(from);
        Map<Integer, ListenerPolicy> after = byPort(to);
        PolicyDelta.Builder delta = PolicyDelta.newBuilder();
        after.forEach((port, listener) -> {
            if (!listener.equals(before.get(port))) {
                delta.addUpsert(listener);
            }
        });
        before.keySet().stream().filter(port -> !after.containsKey(port)).forEach(delta::addRemovePorts);
        return delta.addAllSources(to.getSourcesList()).build();
    }

    /** Applies a delta to {@code base}: listeners replaced or removed by port, sources replaced. */
    public static Policy apply(Policy base, PolicyDelta delta) {
        Map<Integer, ListenerPolicy> listeners = byPort(base);
        for (int port : delta.getRemovePortsList()) {
            listeners.remove(port);
        }
        for (ListenerPolicy listener : delta.getUpsertList()) {
            listeners.put(listener.getPort(), listener);
        }
        return base.toBuilder()
                .clearListeners()
                .addAllListeners(listeners.values())
                .clearSources()
                .addAllSources(delta.getSourcesList())
                .build();
    }

    private static Map<Integer, ListenerPolicy> byPort(Policy policy) {
        Map<Integer, ListenerPolicy> map = new TreeMap<>();
        for (ListenerPolicy listener : policy.getListenersList()) {
            map.put(listener.getPort(), listener);
        }
        return map;
    }
}
