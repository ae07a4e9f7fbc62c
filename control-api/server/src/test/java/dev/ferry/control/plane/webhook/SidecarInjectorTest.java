package dev.ferry.control.plane.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.zjsonpatch.JsonPatch;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** AdmissionReview fixtures in, JSON patches out, applied to the pods they came with. */
class SidecarInjectorTest {

    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private final SidecarInjector injector = new SidecarInjector(new InjectionSettings(
            "ferry/ferry:0.1.0", "ferry/ferry-init:0.1.0", "ferry-control-plane.ferry-system.svc:15010"));

    private static String fixture(String name) throws IOException {
        try (InputStream in = SidecarInjectorTest.class.getResourceAsStream("/admission/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private record Outcome(JsonNode response, JsonNode patch, Pod patched, JsonNode patchedTree) {}

    private Outcome review(String fixture) throws IOException {
        String request = fixture(fixture);
        JsonNode response = JSON.unmarshal(injector.review(request), JsonNode.class);
        JsonNode original =
                JSON.unmarshal(request, JsonNode.class).path("request").path("object");
        if (!response.path("response").has("patch")) {
            return new Outcome(response, null, null, null);
        }
        String patchJson = new String(
                Base64.getDecoder()
                        .decode(response.path("response").path("patch").asString()),
                StandardCharsets.UTF_8);
        JsonNode patch = JSON.unmarshal(patchJson, JsonNode.class);
        JsonNode patched = JsonPatch.apply(patch, original);
        return new Outcome(response, patch, JSON.convertValue(patched, Pod.class), patched);
    }

    private static Container init(Pod pod, String name) {
        return pod.getSpec().getInitContainers().stream()
                .filter(c -> c.getName().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void injectsTheInitStepAndANativeSidecarBeforeThePodsOwnInitContainers() throws IOException {
        Outcome out = review("pod-inject.json");
        JsonNode response = out.response().path("response");
        assertThat(out.response().path("kind").asString()).isEqualTo("AdmissionReview");
        assertThat(out.response().path("apiVersion").asString()).isEqualTo("admission.k8s.io/v1");
        assertThat(response.path("uid").asString()).isEqualTo("705ab4f5-6393-11e8-b7cc-42010a800002");
        assertThat(response.path("allowed").asBoolean()).isTrue();
        assertThat(response.path("patchType").asString()).isEqualTo("JSONPatch");

        Pod pod = out.patched();
        assertThat(pod.getSpec().getInitContainers())
                .extracting(Container::getName)
                .containsExactly("ferry-init", "ferry-sidecar", "migrate");

        Container init = init(pod, "ferry-init");
        assertThat(init.getImage()).isEqualTo("ferry/ferry-init:0.1.0");
        assertThat(init.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_ADMIN");
        assertThat(init.getSecurityContext().getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(init.getRestartPolicy()).as("runs once").isNull();
        assertThat(init.getArgs())
                .containsExactly("init", "--include-inbound-ports", "*", "--exclude-inbound-ports", "8081,9090,15020");

        Container sidecar = init(pod, "ferry-sidecar");
        assertThat(sidecar.getRestartPolicy()).as("native sidecar").isEqualTo("Always");
        assertThat(sidecar.getImage()).isEqualTo("ferry/ferry:0.1.0");
        assertThat(sidecar.getSecurityContext().getCapabilities().getAdd()).containsExactly("NET_RAW");
        assertThat(sidecar.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
        assertThat(sidecar.getArgs()).contains("--control-plane", "ferry-control-plane.ferry-system.svc:15010");
        assertThat(sidecar.getEnv())
                .extracting(e -> e.getValueFrom().getFieldRef().getFieldPath())
                .containsExactly("metadata.name", "metadata.namespace");
        assertThat(sidecar.getStartupProbe().getHttpGet().getPort().getIntVal()).isEqualTo(15020);

        assertThat(pod.getSpec().getVolumes())
                .extracting(Volume::getName)
                .containsExactly("kube-api-access-x7k2p", "ferry-podinfo");
        assertThat(pod.getMetadata().getAnnotations())
                .containsEntry("ferry.dev/injected", "true")
                .containsEntry("prometheus.io/scrape", "true");
        // The app container and fields unknown to the webhook are untouched.
        assertThat(pod.getSpec().getContainers()).singleElement().satisfies(c -> {
            assertThat(c.getName()).isEqualTo("web");
            assertThat(c.getSecurityContext()).isNull();
        });
        assertThat(out.patchedTree()
                        .path("spec")
                        .path("someFutureField")
                        .path("keep")
                        .asString())
                .isEqualTo("me");
    }

    @Test
    void thePatchOnlyAdds() throws IOException {
        Outcome out = review("pod-inject.json");
        List<String> ops = out.patch()
                .valueStream()
                .map(op -> op.path("op").asString() + " " + op.path("path").asString())
                .toList();
        assertThat(ops)
                .containsExactlyInAnyOrder(
                        "add /metadata/annotations/ferry.dev~1injected",
                        "add /spec/initContainers/0",
                        "add /spec/initContainers/1",
                        "add /spec/volumes/1");
    }

    @Test
    void aPodWithoutInitContainersVolumesOrAnnotationsGetsThemCreated() throws IOException {
        Pod pod = review("pod-minimal.json").patched();
        assertThat(pod.getSpec().getInitContainers())
                .extracting(Container::getName)
                .containsExactly("ferry-init", "ferry-sidecar");
        assertThat(pod.getSpec().getVolumes()).extracting(Volume::getName).containsExactly("ferry-podinfo");
        assertThat(init(pod, "ferry-init").getArgs()).endsWith("15020");
    }

    @Test
    void podsWithoutTheLabelAndPodsAlreadyInjectedPassUnchanged() throws IOException {
        Outcome unlabelled = review("pod-no-label.json");
        assertThat(unlabelled.response().path("response").path("allowed").asBoolean())
                .isTrue();
        assertThat(unlabelled.patch()).isNull();

        // Re-invocation: feed the injected pod back in.
        Outcome first = review("pod-inject.json");
        JsonNode again = JSON.unmarshal(fixture("pod-inject.json"), JsonNode.class);
        ((tools.jackson.databind.node.ObjectNode) again.path("request")).set("object", first.patchedTree());
        JsonNode second = JSON.unmarshal(injector.review(JSON.asJson(again)), JsonNode.class);
        assertThat(second.path("response").path("allowed").asBoolean()).isTrue();
        assertThat(second.path("response").has("patch")).isFalse();
    }

    @Test
    void aMalformedPortAnnotationRefusesThePodWithAClearMessage() throws IOException {
        JsonNode response = review("pod-bad-annotation.json").response().path("response");
        assertThat(response.path("uid").asString()).isEqualTo("bad-annotation-uid");
        assertThat(response.path("allowed").asBoolean()).isFalse();
        assertThat(response.path("status").path("message").asString())
                .isEqualTo("ferry sidecar injection: annotation ferry.dev/exclude-inbound-ports: 'http' is not a port"
                        + " (expected a comma-separated list)");
    }
}
