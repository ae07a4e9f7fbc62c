package dev.ferry.control.plane.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlaneServer;
import dev.ferry.control.plane.Options;
import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.v1.SidecarHello;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `ferry control-plane --kubeconfig F` as a whole, against the CRUD mock API server. */
@EnableKubernetesMockClient(crud = true)
class KubernetesModeServerTest {

    static KubernetesClient client;

    @TempDir
    Path dir;

    @Test
    void theProcessWatchesTheApiServerNamedInTheKubeconfig() throws Exception {
        Path kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster: {server: "%s", insecure-skip-tls-verify: true}
                users:
                - name: ferry
                  user: {token: "not-checked-by-the-mock"}
                contexts:
                - name: mock
                  context: {cluster: mock, user: ferry, namespace: shop}
                current-context: mock
                """.formatted(client.getConfiguration().getMasterUrl()));
        client.resource(new PodBuilder()
                        .withNewMetadata()
                        .withName("web-1")
                        .withNamespace("shop")
                        .addToLabels("app", "web")
                        .addToLabels(KubernetesController.INJECT_LABEL, "enabled")
                        .endMetadata()
                        .build())
                .create();
        client.resource(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 64\n"))
                .create();

        try (ControlPlaneServer server = ControlPlaneServer.start(Options.parse(List.of(
                "--kubeconfig",
                kubeconfig.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--http-port",
                "-1",
                "--grace-period",
                "1")))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort())
                    .usePlaintext()
                    .build();
            SidecarHello hello = SidecarHello.newBuilder()
                    .setPod("web-1")
                    .setNamespace("shop")
                    .build();
            try (PolicyClient sidecar =
                    PolicyClient.builder(channel, hello).build().start()) {
                Await.until(
                        "policy from the API server",
                        () -> sidecar.current().isPresent()
                                && sidecar.current().get().policy().getListenersCount() == 1);
                assertThat(sidecar.current()
                                .get()
                                .policy()
                                .getListeners(0)
                                .getRules()
                                .getMaxConnections())
                        .isEqualTo(64);
                Await.until("status written back", () -> {
                    StreamPolicy p = client.resources(StreamPolicy.class)
                            .inNamespace("shop")
                            .withName("limits")
                            .get();
                    return p.getStatus() != null && p.getStatus().getAckedSidecars() == 1;
                });
            } finally {
                channel.shutdownNow();
            }
        }
    }
}
