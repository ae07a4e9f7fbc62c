package dev.ferry.control.plane.policy;

import java.util.Map;
import java.util.Optional;

/** Where a sidecar's pod labels come from. */
public interface PodDirectory {

    /**
     * The labels to select policies with, or empty while the pod is unknown (no policy is pushed
     * then; a later {@code refresh} will). {@code claimed} are the labels the sidecar sent.
     */
    Optional<Map<String, String>> labels(String namespace, String pod, Map<String, String> claimed);

    /** Standalone mode: no API server, the sidecar's own word is all there is. */
    PodDirectory TRUST_SIDECAR = (namespace, pod, claimed) -> Optional.of(claimed);
}
