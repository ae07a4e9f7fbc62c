package dev.ferry.control.plane.standalone;

import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.plane.policy.PolicyStore;
import io.fabric8.kubernetes.api.model.KubernetesList;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Standalone mode's policy source: a YAML file of StreamPolicy documents, the same you would
 * {@code kubectl apply}. Reloaded when its modification time changes.
 */
public final class PolicyFile {

    private final Path path;
    private final PolicyStore store;
    private final KubernetesSerialization serialization = new KubernetesSerialization();
    private FileTime loadedAt;

    public PolicyFile(Path path, PolicyStore store) {
        this.path = path;
        this.store = store;
        serialization.registerKubernetesResource(StreamPolicy.class);
    }

    /** Parses the file's StreamPolicies (documents of other kinds are refused: a typo in kind should be loud). */
    public List<StreamPolicy> parse() throws IOException {
        Object parsed;
        try (InputStream in = Files.newInputStream(path)) {
            parsed = serialization.unmarshal(in);
        } catch (RuntimeException e) {
            throw new IOException(path + ": not valid StreamPolicy YAML: " + e.getMessage(), e);
        }
        List<Object> documents = new ArrayList<>();
        switch (parsed) {
            case null -> {}
            case List<?> list -> documents.addAll(list);
            case KubernetesList list -> documents.addAll(list.getItems());
            default -> documents.add(parsed);
        }
        List<StreamPolicy> policies = new ArrayList<>();
        for (Object document : documents) {
            if (!(document instanceof StreamPolicy policy)) {
                throw new IOException(path + ": expected only kind StreamPolicy (apiVersion " + StreamPolicy.GROUP + "/"
                        + StreamPolicy.VERSION + "), found "
                        + (document == null
                                ? "an empty document"
                                : document.getClass().getSimpleName()));
            }
            if (policy.getMetadata() == null || policy.getMetadata().getName() == null) {
                throw new IOException(path + ": every StreamPolicy needs metadata.name");
            }
            if (policy.getMetadata().getNamespace() == null) {
                policy.getMetadata().setNamespace("default");
            }
            policies.add(policy);
        }
        return policies;
    }

    /** Loads the file into the store if it changed since the last load; true when accepted policies changed. */
    public synchronized boolean reloadIfChanged() throws IOException {
        FileTime modified = Files.getLastModifiedTime(path);
        if (modified.equals(loadedAt)) {
            return false;
        }
        List<StreamPolicy> policies = parse();
        loadedAt = modified;
        boolean changed = false;
        Set<String> keys = new HashSet<>();
        for (StreamPolicy policy : policies) {
            keys.add(policy.key());
            long generation = policy.getMetadata().getGeneration() == null
                    ? 1
                    : policy.getMetadata().getGeneration();
            changed |= store.upsert(
                    policy.getMetadata().getNamespace(), policy.getMetadata().getName(), generation, policy.getSpec());
        }
        changed |= store.retainOnly(keys);
        return changed;
    }
}
