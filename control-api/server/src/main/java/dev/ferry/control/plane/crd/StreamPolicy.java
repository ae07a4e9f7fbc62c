package dev.ferry.control.plane.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A StreamPolicy selects pods of its namespace and sets what their sidecars enforce per listener
 * port. The CRD's OpenAPI schema is generated from these classes ({@code StreamPolicyCrdTest}).
 */
@Group(StreamPolicy.GROUP)
@Version(StreamPolicy.VERSION)
@Kind("StreamPolicy")
@Plural("streampolicies")
@Singular("streampolicy")
@ShortNames("spol")
public class StreamPolicy extends CustomResource<StreamPolicySpec, StreamPolicyStatus> implements Namespaced {
    public static final String GROUP = "ferry.dev";
    public static final String VERSION = "v1alpha1";

    /** "namespace/name": how policies are named in sources, status and logs. */
    public String key() {
        return getMetadata().getNamespace() + "/" + getMetadata().getName();
    }
}
