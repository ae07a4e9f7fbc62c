package dev.ferry.control.plane.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.client.Backoff;
import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.plane.crd.StreamPolicyStatus;
import dev.ferry.control.v1.SidecarHello;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The controller against Fabric8's mock API server in CRUD mode: no real API server can run on
 * these machines, so informers, status writes and label lookups are exercised against the mock.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesControllerTest {

    static KubernetesClient client;

    private final String name = InProcessServerBuilder.generateName();
    private KubernetesController controller;
    private ControlPlane plane;
    private Server server;
    private ManagedChannel channel;
    private PolicyClient sidecar;

    @BeforeEach
    void start() throws Exception {
        controller = new KubernetesController(client);
        plane = new ControlPlane(
                controller,
                OpenTelemetry.noop().getMeter("test"),
                controller::publish,
                new ControlPlane.Settings(100, 100, 10));
        controller.start(plane);
        server = plane.bind(InProcessServerBuilder.forName(name)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        if (sidecar != null) {
            sidecar.close();
        }
        controller.close();
        plane.close();
        channel.shutdownNow();
        server.shutdownNow();
        client.resources(StreamPolicy.class).inAnyNamespace().delete();
        client.pods().inAnyNamespace().delete();
    }

    private static Pod pod(String name, String app) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace("shop")
                .addToLabels("app", app)
                .addToLabels(KubernetesController.INJECT_LABEL, "enabled")
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("app")
                .withImage("nginx")
                .endContainer()
                .endSpec()
                .build();
    }

    /** The sidecar claims app=web whatever its pod says: the controller must not believe it. */
    private PolicyClient connect(String pod) {
        SidecarHello hello = SidecarHello.newBuilder()
                .setPod(pod)
                .setNamespace("shop")
                .putLabels("app", "web")
                .build();
        sidecar = PolicyClient.builder(channel, hello)
                .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), new Random(9)))
                .build()
                .start();
        return sidecar;
    }

    private static StreamPolicy create(StreamPolicy policy) {
        return client.resource(policy).create();
    }

    private static StreamPolicyStatus status(String name) {
        StreamPolicy p = client.resources(StreamPolicy.class)
                .inNamespace("shop")
                .withName(name)
                .get();
        return p == null ? null : p.getStatus();
    }

    private static Condition condition(String policy, String type) {
        StreamPolicyStatus status = status(policy);
        if (status == null) {
            return null;
        }
        return status.getConditions().stream()
                .filter(c -> c.getType().equals(type))
                .findFirst()
                .orElse(null);
    }

    /** Like kubectl edit: the controller writes status concurrently, so retry on a 409 conflict. */
    private static void editMaxConnections(long value) {
        for (int attempt = 1; ; attempt++) {
            try {
                client.resources(StreamPolicy.class)
                        .inNamespace("shop")
                        .withName("limits")
                        .edit(p -> {
                            p.getSpec().getPorts().getFirst().setMaxConnections(value);
                            return p;
                        });
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException e) {
                if (!KubernetesController.isConflict(e) || attempt == 50) {
                    throw e;
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static long maxConnections(PolicyClient sidecar) {
        return sidecar.current()
                .orElseThrow()
                .policy()
                .getListeners(0)
                .getRules()
                .getMaxConnections();
    }

    @Test
    void createdPoliciesReachSelectedPodsAndStatusCountsTheAck() {
        client.resource(pod("web-1", "web")).create();
        create(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = connect("web-1");

        Await.until(
                "policy pushed",
                () -> web.current().isPresent() && web.current().get().policy().getListenersCount() == 1);
        assertThat(maxConnections(web)).isEqualTo(100);
        Await.until("status counts the ACK", () -> {
            StreamPolicyStatus status = status("limits");
            return status != null && status.getAckedSidecars() == 1;
        });
        assertThat(condition("limits", "Accepted").getStatus()).isEqualTo("True");
        assertThat(condition("limits", "Applied").getStatus()).isEqualTo("True");
        assertThat(condition("limits", "Applied").getReason()).isEqualTo("Acknowledged");
        assertThat(status("limits").getAckedSidecars()).isEqualTo(1);
        assertThat(status("limits").getSelectedSidecars()).isEqualTo(1);
    }

    @Test
    void updatesArePushedAndInvalidUpdatesOnlyChangeTheStatus() {
        client.resource(pod("web-1", "web")).create();
        create(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = connect("web-1");
        Await.until(
                "first version",
                () -> web.current().isPresent() && web.current().get().policy().getListenersCount() == 1);
        assertThat(maxConnections(web)).isEqualTo(100);

        editMaxConnections(42L);
        Await.until("update pushed", () -> maxConnections(web) == 42);
        // Every ACK the sidecar sent has arrived: counted, or recognised as answering a push that a
        // newer one (of the same policy) superseded while it was in flight.
        Await.until(
                "and acknowledged",
                () -> plane.distributor().acks() + plane.distributor().staleReplies() == web.acksSent());

        long pushes = plane.distributor().pushes();
        editMaxConnections(-5L);
        Await.until("rejection in status", () -> {
            Condition accepted = condition("limits", "Accepted");
            return accepted != null && accepted.getStatus().equals("False");
        });
        assertThat(condition("limits", "Accepted").getMessage())
                .contains("listeners[port=8080].rules.max_connections: must be >= 0 (got -5)");
        assertThat(plane.distributor().pushes()).isEqualTo(pushes);
        assertThat(maxConnections(web)).isEqualTo(42);
    }

    @Test
    void labelsComeFromTheApiServerAndLabelChangesMovePolicies() {
        client.resource(pod("web-1", "batch")).create();
        create(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = connect("web-1");
        Await.until("a push", () -> web.current().isPresent());
        assertThat(web.current().get().policy().getListenersList())
                .as("the pod is app=batch, whatever the sidecar claims")
                .isEmpty();

        client.pods().inNamespace("shop").withName("web-1").edit(p -> {
            p.getMetadata().getLabels().put("app", "web");
            return p;
        });
        Await.until(
                "relabelled pod gets the policy",
                () -> web.current().get().policy().getListenersCount() == 1);

        client.resources(StreamPolicy.class)
                .inNamespace("shop")
                .withName("limits")
                .delete();
        Await.until(
                "deleted policy withdrawn", () -> web.current().get().policy().getListenersCount() == 0);
    }

    @Test
    void aSidecarOfAnUnknownPodWaitsForThePod() throws Exception {
        create(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = connect("web-2");
        Await.until("stream open", web::connected);
        Thread.sleep(200); // nothing may arrive while the pod is unknown
        assertThat(web.pushesReceived()).isZero();

        client.resource(pod("web-2", "web")).create();
        Await.until("pod appears, policy follows", () -> web.current().isPresent());
        assertThat(maxConnections(web)).isEqualTo(100);
    }
}
