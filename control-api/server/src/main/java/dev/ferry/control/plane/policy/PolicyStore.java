package dev.ferry.control.plane.policy;

import dev.ferry.control.plane.crd.StreamPolicySpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Every known StreamPolicy: its latest verdict and its last accepted (valid) form. Fed by the
 * Kubernetes informer or the standalone policy file; read by the distributor.
 *
 * <p>Thread-safe: all methods synchronize on the store.
 */
public final class PolicyStore {

    /** The control plane's view of one policy. {@code accepted} is null until a valid version arrived. */
    public record Entry(String key, long generation, List<String> problems, AcceptedPolicy accepted) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private final Map<String, Entry> entries = new TreeMap<>();

    /**
     * Records a new version of a policy. Returns true when the set of accepted policies changed
     * (and sidecars may need a push); an invalid version only changes the verdict.
     */
    public synchronized boolean upsert(String namespace, String name, long generation, StreamPolicySpec spec) {
        String key = namespace + "/" + name;
        SpecTranslator.Translation translation = SpecTranslator.translate(spec);
        Entry previous = entries.get(key);
        AcceptedPolicy accepted = previous == null ? null : previous.accepted();
        if (translation.valid()) {
            int priority = spec.getPriority() == null ? 0 : spec.getPriority();
            accepted = new AcceptedPolicy(
                    namespace, name, generation, priority, spec.getPodSelector(), translation.listeners());
        }
        entries.put(key, new Entry(key, generation, translation.problems(), accepted));
        AcceptedPolicy before = previous == null ? null : previous.accepted();
        return !Objects.equals(before, accepted);
    }

    /** Forgets a deleted policy; true when it had an accepted version. */
    public synchronized boolean remove(String namespace, String name) {
        Entry removed = entries.remove(namespace + "/" + name);
        return removed != null && removed.accepted() != null;
    }

    /** Replaces everything (standalone file reload); true when accepted policies changed. */
    public synchronized boolean retainOnly(java.util.Set<String> keys) {
        boolean changed = false;
        for (var it = entries.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!keys.contains(e.getKey())) {
                changed |= e.getValue().accepted() != null;
                it.remove();
            }
        }
        return changed;
    }

    /** Accepted policies of {@code namespace} that select a pod with these labels, in merge order. */
    public synchronized List<AcceptedPolicy> selecting(String namespace, Map<String, String> labels) {
        List<AcceptedPolicy> out = new ArrayList<>();
        for (Entry entry : entries.values()) {
            AcceptedPolicy p = entry.accepted();
            if (p != null && p.namespace().equals(namespace) && LabelSelectors.matches(p.selector(), labels)) {
                out.add(p);
            }
        }
        out.sort(AcceptedPolicy.PRECEDENCE);
        return out;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries.values());
    }

    public synchronized Entry entry(String key) {
        return entries.get(key);
    }
}
