package dev.ferry.control.plane;

import dev.ferry.control.plane.crd.StreamPolicy;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** StreamPolicies written the way people write them: YAML. */
public final class TestPolicies {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    static {
        SERIALIZATION.registerKubernetesResource(StreamPolicy.class);
    }

    private TestPolicies() {}

    public static StreamPolicy parse(String yaml) {
        return SERIALIZATION.unmarshal(yaml, StreamPolicy.class);
    }

    /** A policy in namespace shop selecting app=web, with the given YAML lines under spec.ports. */
    public static StreamPolicy web(String name, String portsYaml) {
        return parse("""
                apiVersion: ferry.dev/v1alpha1
                kind: StreamPolicy
                metadata:
                  name: %s
                  namespace: shop
                  generation: 1
                spec:
                  podSelector:
                    matchLabels:
                      app: web
                  ports:
                %s
                """.formatted(name, portsYaml.indent(2)));
    }
}
