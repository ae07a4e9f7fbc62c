package dev.ferry.control.plane.webhook;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sidecar-injection mutating webhook's logic: AdmissionReview JSON in, AdmissionReview JSON
 * out. Pure (no I/O), so fixtures test it byte for byte.
 *
 * <p>For a pod labelled {@code ferry.dev/inject=enabled} it adds, in front of the pod's own init
 * containers:
 *
 * <ol>
 *   <li>{@code ferry-init}: installs the nftables table that keeps the kernel from answering the
 *       traffic the sidecar captures. Needs {@code NET_ADMIN}, runs once, exits.
 *   <li>{@code ferry-sidecar}: a native sidecar (an init container with {@code restartPolicy:
 *       Always}, Kubernetes 1.29+) so it starts before and stops after the app. Needs
 *       {@code NET_RAW} for AF_PACKET rings and nothing else.
 * </ol>
 *
 * The patch is the JSON difference between the pod as sent and the pod as mutated, so fields the
 * webhook does not know are never touched.
 */
public final class SidecarInjector {

    public static final String INJECT_LABEL = "ferry.dev/inject";
    public static final String INCLUDE_PORTS = "ferry.dev/include-inbound-ports";
    public static final String EXCLUDE_PORTS = "ferry.dev/exclude-inbound-ports";
    public static final String INJECTED_ANNOTATION = "ferry.dev/injected";
    static final String INIT_NAME = "ferry-init";
    static final String SIDECAR_NAME = "ferry-sidecar";
    static final String PODINFO_VOLUME = "ferry-podinfo";

    private final InjectionSettings settings;
    private final KubernetesSerialization json = new KubernetesSerialization();

    public SidecarInjector(InjectionSettings settings) {
        this.settings = settings;
    }

    /** Answers one AdmissionReview (admission.k8s.io/v1) request body. */
    public String review(String admissionReviewJson) {
        JsonNode review = json.unmarshal(admissionReviewJson, JsonNode.class);
        JsonNode request = review.path("request");
        String uid = request.path("uid").asString("");
        ObjectNode response = JsonNodeFactory.instance.objectNode();
        response.put("uid", uid);
        JsonNode pod = request.path("object");
        if (!"Pod".equals(request.path("kind").path("kind").asString(""))
                || !pod.isObject()
                || !"enabled"
                        .equals(pod.path("metadata")
                                .path("labels")
                                .path(INJECT_LABEL)
                                .asString(""))
                || alreadyInjected(pod)) {
            response.put("allowed", true);
            return answer(review, response);
        }
        try {
            JsonNode mutated = mutate((ObjectNode) pod);
            JsonNode patch = JsonDiff.asJson(pod, mutated, DiffFlags.dontNormalizeOpIntoMoveAndCopy());
            response.put("allowed", true);
            response.put("patchType", "JSONPatch");
            response.put(
                    "patch",
                    Base64.getEncoder().encodeToString(json.asJson(patch).getBytes(StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            response.put("allowed", false);
            ObjectNode status = response.putObject("status");
            status.put("code", 400);
            status.put("message", "ferry sidecar injection: " + e.getMessage());
        }
        return answer(review, response);
    }

    private String answer(JsonNode review, ObjectNode response) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("apiVersion", review.path("apiVersion").asString("admission.k8s.io/v1"));
        out.put("kind", "AdmissionReview");
        out.set("response", response);
        return json.asJson(out);
    }

    private static boolean alreadyInjected(JsonNode pod) {
        for (JsonNode c : pod.path("spec").path("initContainers")) {
            if (SIDECAR_NAME.equals(c.path("name").asString(""))) {
                return true; // reinvocation or a pod created from an injected template
            }
        }
        return false;
    }

    private JsonNode mutate(ObjectNode original) {
        ObjectNode pod = original.deepCopy();
        ObjectNode metadata = object(pod, "metadata");
        ObjectNode annotations = object(metadata, "annotations");
        String include = ports(INCLUDE_PORTS, annotations.path(INCLUDE_PORTS).asString("*"), true);
        TreeSet<Integer> excluded = new TreeSet<>(List.of(InjectionSettings.SIDECAR_ADMIN_PORT));
        String excludeText =
                ports(EXCLUDE_PORTS, annotations.path(EXCLUDE_PORTS).asString(""), false);
        if (!excludeText.isEmpty()) {
            for (String p : excludeText.split(",")) {
                excluded.add(Integer.parseInt(p));
            }
        }
        String exclude = String.join(",", excluded.stream().map(String::valueOf).toList());

        ObjectNode spec = object(pod, "spec");
        ArrayNode inits = JsonNodeFactory.instance.arrayNode();
        inits.add(json.convertValue(initContainer(include, exclude), JsonNode.class));
        inits.add(json.convertValue(sidecarContainer(include, exclude), JsonNode.class));
        if (spec.path("initContainers").isArray()) {
            inits.addAll((ArrayNode) spec.get("initContainers"));
        }
        spec.set("initContainers", inits);
        ArrayNode volumes = spec.path("volumes").isArray() ? (ArrayNode) spec.get("volumes") : spec.putArray("volumes");
        volumes.add(json.convertValue(podInfoVolume(), JsonNode.class));
        annotations.put(INJECTED_ANNOTATION, "true");
        return pod;
    }

    private Container initContainer(String include, String exclude) {
        return new ContainerBuilder()
                .withName(INIT_NAME)
                .withImage(settings.initImage())
                .withArgs("init", "--include-inbound-ports", include, "--exclude-inbound-ports", exclude)
                .withNewSecurityContext()
                // nftables needs NET_ADMIN in the pod's network namespace, and root to use it.
                .withNewCapabilities()
                .withAdd("NET_ADMIN")
                .withDrop("ALL")
                .endCapabilities()
                .withRunAsUser(0L)
                .withRunAsNonRoot(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .endSecurityContext()
                .withNewResources()
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("10m"))
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("16Mi"))
                .endResources()
                .build();
    }

    private Container sidecarContainer(String include, String exclude) {
        return new ContainerBuilder()
                .withName(SIDECAR_NAME)
                .withImage(settings.sidecarImage())
                // A native sidecar: starts before the app's containers, stops after them.
                .withRestartPolicy("Always")
                .withArgs(
                        "sidecar",
                        "--control-plane",
                        settings.controlPlaneAddress(),
                        "--include-inbound-ports",
                        include,
                        "--exclude-inbound-ports",
                        exclude,
                        "--pod-info",
                        "/etc/ferry/podinfo")
                .addNewEnv()
                .withName("POD_NAME")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.name")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewEnv()
                .withName("POD_NAMESPACE")
                .withNewValueFrom()
                .withNewFieldRef()
                .withFieldPath("metadata.namespace")
                .endFieldRef()
                .endValueFrom()
                .endEnv()
                .addNewPort()
                .withName("ferry-admin")
                .withContainerPort(InjectionSettings.SIDECAR_ADMIN_PORT)
                .endPort()
                .withNewStartupProbe()
                .withNewHttpGet()
                .withPath("/healthz")
                .withNewPort(InjectionSettings.SIDECAR_ADMIN_PORT)
                .endHttpGet()
                .withPeriodSeconds(1)
                .withFailureThreshold(30)
                .endStartupProbe()
                .addNewVolumeMount()
                .withName(PODINFO_VOLUME)
                .withMountPath("/etc/ferry/podinfo")
                .withReadOnly(true)
                .endVolumeMount()
                .withNewSecurityContext()
                // AF_PACKET sockets need NET_RAW; nothing else is granted.
                .withNewCapabilities()
                .withAdd("NET_RAW")
                .withDrop("ALL")
                .endCapabilities()
                .withRunAsUser(0L)
                .withRunAsNonRoot(false)
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .endSecurityContext()
                .withNewResources()
                .addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("50m"))
                .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("64Mi"))
                .endResources()
                .build();
    }

    /** Labels and annotations as files: the sidecar's hello carries them (downward API). */
    private static Volume podInfoVolume() {
        return new VolumeBuilder()
                .withName(PODINFO_VOLUME)
                .withNewDownwardAPI()
                .addNewItem()
                .withPath("labels")
                .withNewFieldRef()
                .withFieldPath("metadata.labels")
                .endFieldRef()
                .endItem()
                .addNewItem()
                .withPath("annotations")
                .withNewFieldRef()
                .withFieldPath("metadata.annotations")
                .endFieldRef()
                .endItem()
                .endDownwardAPI()
                .build();
    }

    /** Validates a port list annotation; returns it normalized ("*" allowed only for include). */
    static String ports(String annotation, String text, boolean starAllowed) {
        String trimmed = text.strip();
        if (trimmed.isEmpty() || (starAllowed && trimmed.equals("*"))) {
            return trimmed;
        }
        List<String> out = new ArrayList<>();
        for (String part : trimmed.split(",")) {
            String p = part.strip();
            int port;
            try {
                port = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("annotation " + annotation + ": '" + p
                        + "' is not a port (expected a comma-separated list" + (starAllowed ? " or *" : "") + ")");
            }
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException(
                        "annotation " + annotation + ": port " + port + " is out of range 1..65535");
            }
            out.add(Integer.toString(port));
        }
        return String.join(",", out);
    }

    private static ObjectNode object(ObjectNode parent, String field) {
        JsonNode existing = parent.get(field);
        if (existing instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(field);
    }
}
