package dev.ferry.control.plane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.client.AppliedPolicy;
import dev.ferry.control.client.Backoff;
import dev.ferry.control.client.PolicyCheck;
import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.SidecarHello;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The control plane and the sidecar's client library talking over in-process gRPC. */
class PolicyDistributionTest {

    private final String name = InProcessServerBuilder.generateName();
    private final AtomicReference<List<PolicyReport>> published = new AtomicReference<>(List.of());
    private final List<AppliedPolicy> applied = new CopyOnWriteArrayList<>();
    private ControlPlane plane;
    private Server server;
    private ManagedChannel channel;
    private final List<PolicyClient> clients = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        plane = new ControlPlane(
                PodDirectory.TRUST_SIDECAR,
                OpenTelemetry.noop().getMeter("test"),
                published::set,
                new ControlPlane.Settings(100, 100, 10));
        server = plane.bind(InProcessServerBuilder.forName(name)).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void stop() {
        clients.forEach(PolicyClient::close);
        plane.close();
        channel.shutdownNow();
        server.shutdownNow();
    }

    private PolicyClient sidecar(String pod, String app, PolicyCheck check) {
        SidecarHello hello = SidecarHello.newBuilder()
                .setPod(pod)
                .setNamespace("shop")
                .putLabels("app", app)
                .build();
        PolicyClient client = PolicyClient.builder(channel, hello)
                .check(check)
                .listener(applied::add)
                .backoff(new Backoff(Duration.ofMillis(10), Duration.ofMillis(100), new Random(5)))
                .build();
        clients.add(client);
        return client.start();
    }

    private void apply(StreamPolicy policy) {
        long generation = policy.getMetadata().getGeneration();
        plane.store().upsert("shop", policy.getMetadata().getName(), generation, policy.getSpec());
        plane.policiesChanged();
    }

    private PolicyReport report(String key) {
        return published.get().stream()
                .filter(r -> r.key().equals(key))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no status published for " + key));
    }

    private static int maxConnections(PolicyClient client) {
        return (int) client.current()
                .orElseThrow()
                .policy()
                .getListeners(0)
                .getRules()
                .getMaxConnections();
    }

    @Test
    void pushesTheEffectivePolicyToSelectedSidecarsAndReportsTheirAcks() {
        apply(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = sidecar("web-1", "web", PolicyCheck.NONE);
        PolicyClient db = sidecar("db-1", "db", PolicyCheck.NONE);

        Await.until("web gets its policy", () -> web.current().isPresent());
        assertThat(maxConnections(web)).isEqualTo(100);
        assertThat(web.current().orElseThrow().policy().getSourcesList()).containsExactly("shop/limits");
        Await.until("db gets an empty policy", () -> db.current().isPresent());
        assertThat(db.current().orElseThrow().policy().getListenersList()).isEmpty();

        Await.until(
                "status counts the ACK",
                () -> !published.get().isEmpty() && report("shop/limits").acked() == 1);
        PolicyReport status = report("shop/limits");
        assertThat(status.accepted()).isTrue();
        assertThat(status.selected()).isEqualTo(1);
        assertThat(status.nacked()).isZero();
    }

    @Test
    void anUpdateArrivesAsADeltaAndAnInvalidUpdateIsNeverPushed() {
        apply(TestPolicies.web("limits", """
                - port: 8080
                  maxConnections: 100
                - port: 9090
                  maxConnections: 7
                  timeouts: {idle: 5m, handshake: 3s, drain: 10s}
                  allow: ["10.0.0.0/8", "192.168.0.0/16"]
                """));
        PolicyClient web = sidecar("web-1", "web", PolicyCheck.NONE);
        Await.until("first version", () -> web.acksSent() == 1);

        StreamPolicy update = TestPolicies.web("limits", """
                - port: 8080
                  maxConnections: 50
                - port: 9090
                  maxConnections: 7
                  timeouts: {idle: 5m, handshake: 3s, drain: 10s}
                  allow: ["10.0.0.0/8", "192.168.0.0/16"]
                """);
        update.getMetadata().setGeneration(2L);
        apply(update);
        Await.until("second version", () -> web.acksSent() == 2);
        assertThat(maxConnections(web)).isEqualTo(50);
        assertThat(web.current().orElseThrow().policy().getListenersList())
                .extracting(ListenerPolicy::getPort)
                .containsExactly(8080, 9090);
        assertThat(plane.distributor().deltaPushes()).isEqualTo(1);

        long pushesBefore = plane.distributor().pushes();
        StreamPolicy invalid = TestPolicies.web("limits", "- port: 8080\n  maxConnections: -1\n");
        invalid.getMetadata().setGeneration(3L);
        apply(invalid);
        Await.until("status shows the rejection", () -> report("shop/limits").generation() == 3);
        assertThat(report("shop/limits").accepted()).isFalse();
        assertThat(report("shop/limits").problems())
                .containsExactly("listeners[port=8080].rules.max_connections: must be >= 0 (got -1)");
        assertThat(plane.distributor().pushes()).isEqualTo(pushesBefore);
        assertThat(maxConnections(web)).isEqualTo(50);
    }

    @Test
    void aNackIsReportedWithItsReasonAndTheSidecarKeepsItsLastGoodPolicy() {
        apply(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = sidecar(
                "web-1",
                "web",
                policy -> policy.getListenersList().stream()
                                .anyMatch(l -> l.getRules().getCongestionControlValue() == 2)
                        ? List.of("CUBIC is not built into this sidecar")
                        : List.of());
        Await.until("first version", () -> web.acksSent() == 1);

        StreamPolicy cubic =
                TestPolicies.web("limits", "- port: 8080\n  maxConnections: 5\n  congestionControl: cubic\n");
        cubic.getMetadata().setGeneration(2L);
        apply(cubic);
        Await.until("NACK reported", () -> report("shop/limits").nacked() == 1);
        assertThat(report("shop/limits").nackReasons())
                .containsExactly("shop/web-1: CUBIC is not built into this sidecar");
        assertThat(report("shop/limits").acked()).isZero();
        assertThat(maxConnections(web)).isEqualTo(100);
    }

    @Test
    void contradictoryPoliciesAreReportedAndNotPushed() {
        apply(TestPolicies.web("allow", "- port: 8080\n  allow: [\"10.0.0.0/8\"]\n"));
        PolicyClient web = sidecar("web-1", "web", PolicyCheck.NONE);
        Await.until("first version", () -> web.acksSent() == 1);
        long pushes = plane.distributor().pushes();

        apply(TestPolicies.web("deny", "- port: 8080\n  deny: [\"10.0.0.0/8\"]\n"));
        Await.until("conflict reported", () -> !report("shop/deny").conflicts().isEmpty());
        assertThat(report("shop/deny").accepted())
                .as("each policy alone is valid")
                .isTrue();
        assertThat(report("shop/deny").conflicts().getFirst())
                .contains("shop/web-1")
                .contains("10.0.0.0/8 is both allowed and denied");
        assertThat(plane.distributor().pushes()).isEqualTo(pushes);
        assertThat(web.current().orElseThrow().policy().getSourcesList()).containsExactly("shop/allow");
    }

    @Test
    void aStreamMustStartWithACompleteHello() throws Exception {
        var errors = new java.util.concurrent.LinkedBlockingQueue<Throwable>();
        io.grpc.stub.StreamObserver<dev.ferry.control.v1.PolicyPush> sink = new io.grpc.stub.StreamObserver<>() {
            @Override
            public void onNext(dev.ferry.control.v1.PolicyPush push) {}

            @Override
            public void onError(Throwable t) {
                errors.add(t);
            }

            @Override
            public void onCompleted() {}
        };
        var stub = dev.ferry.control.v1.PolicyServiceGrpc.newStub(channel);
        stub.streamPolicy(sink)
                .onNext(dev.ferry.control.v1.SidecarMessage.newBuilder()
                        .setReply(dev.ferry.control.v1.PolicyReply.newBuilder().setNonce("1"))
                        .build());
        assertThat(errors.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasMessageContaining("FAILED_PRECONDITION: the first message must be a hello");
        stub.streamPolicy(sink)
                .onNext(dev.ferry.control.v1.SidecarMessage.newBuilder()
                        .setHello(SidecarHello.newBuilder().setPod("nameless"))
                        .build());
        assertThat(errors.poll(10, java.util.concurrent.TimeUnit.SECONDS))
                .hasMessageContaining("INVALID_ARGUMENT: hello needs pod and namespace");
        assertThat(plane.distributor().connectedSidecars()).isZero();
    }

    @Test
    void aDeletedPolicyIsWithdrawn() {
        apply(TestPolicies.web("limits", "- port: 8080\n  maxConnections: 100\n"));
        PolicyClient web = sidecar("web-1", "web", PolicyCheck.NONE);
        Await.until("first version", () -> web.acksSent() == 1);
        plane.store().remove("shop", "limits");
        plane.policiesChanged();
        Await.until("empty policy", () -> web.current().orElseThrow().policy().getListenersCount() == 0);
    }
}
