package dev.ferry.control.client;

import static dev.ferry.control.client.ScriptedPolicyService.take;
import static dev.ferry.control.policy.Policies.bucket;
import static dev.ferry.control.policy.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.policy.PolicyDeltas;
import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyPush;
import dev.ferry.control.v1.PolicyReply;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamRules;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class PolicyClientTest {

    private static final SidecarHello POD = SidecarHello.newBuilder()
            .setPod("web-1")
            .setNamespace("shop")
            .putLabels("app", "web")
            .setSidecarVersion("test")
            .build();

    private final String name = InProcessServerBuilder.generateName();
    private final ScriptedPolicyService service = new ScriptedPolicyService();
    private final BlockingQueue<AppliedPolicy> applied = new LinkedBlockingQueue<>();
    private Server server;
    private ManagedChannel channel;
    private PolicyClient client;

    @BeforeEach
    void start() throws IOException {
        server = startServer(service);
        channel = InProcessChannelBuilder.forName(name).build();
    }

    private Server startServer(ScriptedPolicyService s) throws IOException {
        return InProcessServerBuilder.forName(name).addService(s).build().start();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        channel.shutdownNow();
        server.shutdownNow();
    }

    private PolicyClient.Builder clientBuilder() {
        return PolicyClient.builder(channel, POD)
                .listener(applied::add)
                .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(1)));
    }

    private static PolicyPush snapshot(String version, String nonce, Policy policy) {
        return PolicyPush.newBuilder()
                .setVersion(version)
                .setNonce(nonce)
                .setSnapshot(policy)
                .build();
    }

    private static Policy invalid() {
        return Policy.newBuilder()
                .addListeners(ListenerPolicy.newBuilder()
                        .setPort(80)
                        .setRules(StreamRules.newBuilder()
                                .setByteRates(ByteRates.newBuilder().setStreamIngress(bucket(-1, 10)))))
                .build();
    }

    @Test
    void saysWhoItIsThenAppliesAndAcksAPush() throws Exception {
        client = clientBuilder().build().start();
        SidecarHello hello = take(service.hellos);
        assertThat(hello.getPod()).isEqualTo("web-1");
        assertThat(hello.getNamespace()).isEqualTo("shop");
        assertThat(hello.getLabelsMap()).containsEntry("app", "web");
        assertThat(hello.getAppliedVersion()).isEmpty();

        assertThat(client.awaitPolicy(Duration.ofMillis(50)))
                .as("nothing pushed yet")
                .isFalse();
        PolicyReply reply = service.pushAndAwaitReply(snapshot("v1", "n1", policy(80)));
        assertThat(reply.getAccepted()).isTrue();
        assertThat(client.awaitPolicy(Duration.ZERO)).isTrue();
        assertThat(reply.getVersion()).isEqualTo("v1");
        assertThat(reply.getNonce()).isEqualTo("n1");
        assertThat(take(applied).policy()).isEqualTo(policy(80));
        assertThat(client.current())
                .hasValueSatisfying(p -> assertThat(p.version()).isEqualTo("v1"));
    }

    @Test
    void aNackCarriesTheValidatorsReasonAndKeepsTheLastGoodPolicy() throws Exception {
        client = clientBuilder().build().start();
        take(service.hellos);
        service.pushAndAwaitReply(snapshot("v1", "n1", policy(80)));

        PolicyReply nack = service.pushAndAwaitReply(snapshot("v2", "n2", invalid()));
        assertThat(nack.getAccepted()).isFalse();
        assertThat(nack.getNonce()).isEqualTo("n2");
        assertThat(nack.getReason())
                .isEqualTo("listeners[port=80].rules.byte_rates.stream_ingress.rate_per_second: must be >= 0 (got -1)");
        assertThat(client.current().orElseThrow().version()).isEqualTo("v1");
        assertThat(applied).hasSize(1);
        assertThat(client.nacksSent()).isEqualTo(1);
        assertThat(client.lastNackReason()).hasValue("v2: " + nack.getReason());
    }

    @Test
    void theSidecarsOwnCheckAndAFailingApplyAlsoNack() throws Exception {
        List<String> refused = List.of("congestion control CUBIC is not built in");
        client = clientBuilder()
                .check(p -> p.getListenersCount() > 1 ? refused : List.of())
                .listener(p -> {
                    if (p.policy().getListenersList().stream().anyMatch(l -> l.getPort() == 9999)) {
                        throw new IllegalStateException("port 9999 is reserved");
                    }
                    applied.add(p);
                })
                .build()
                .start();
        take(service.hellos);
        assertThat(service.pushAndAwaitReply(snapshot("v1", "n1", policy(80, 81)))
                        .getReason())
                .isEqualTo(refused.getFirst());
        assertThat(service.pushAndAwaitReply(snapshot("v2", "n2", policy(9999))).getReason())
                .contains("port 9999 is reserved");
        assertThat(client.current()).isEmpty();
        assertThat(service.pushAndAwaitReply(snapshot("v3", "n3", policy(80))).getAccepted())
                .isTrue();
    }

    @Test
    void appliesDeltasOnlyOnTopOfTheirBaseVersion() throws Exception {
        client = clientBuilder().build().start();
        take(service.hellos);
        Policy v1 = policy(80, 443);
        Policy v2 = policy(443, 8080);
        service.pushAndAwaitReply(snapshot("v1", "n1", v1));

        PolicyPush wrongBase = PolicyPush.newBuilder()
                .setVersion("v2")
                .setNonce("n2")
                .setBaseVersion("v0")
                .setDelta(PolicyDeltas.diff(v1, v2))
                .build();
        PolicyReply nack = service.pushAndAwaitReply(wrongBase);
        assertThat(nack.getAccepted()).isFalse();
        assertThat(nack.getReason()).isEqualTo("delta for base version 'v0' but running 'v1'");

        PolicyReply ack = service.pushAndAwaitReply(
                wrongBase.toBuilder().setNonce("n3").setBaseVersion("v1").build());
        assertThat(ack.getAccepted()).isTrue();
        assertThat(client.current().orElseThrow().policy().getListenersList())
                .extracting(ListenerPolicy::getPort)
                .containsExactlyInAnyOrder(443, 8080);
    }

    @Test
    void reconnectsAfterTheControlPlaneRestartsAndKeepsTheLastGoodPolicyMeanwhile() throws Exception {
        client = clientBuilder().build().start();
        take(service.hellos);
        service.pushAndAwaitReply(snapshot("v1", "n1", policy(80)));

        server.shutdownNow().awaitTermination();
        // Outage: the stream is gone, the policy stays.
        waitUntil(() -> !client.connected());
        assertThat(client.current().orElseThrow().version()).isEqualTo("v1");

        ScriptedPolicyService restarted = new ScriptedPolicyService();
        server = startServer(restarted);
        SidecarHello again = take(restarted.hellos);
        assertThat(again.getAppliedVersion())
                .as("tells the new server what it runs")
                .isEqualTo("v1");
        assertThat(client.streamsOpened()).isGreaterThanOrEqualTo(2);

        // The same version again is acknowledged without being applied twice.
        assertThat(restarted.pushAndAwaitReply(snapshot("v1", "m1", policy(80))).getAccepted())
                .isTrue();
        assertThat(applied).hasSize(1);
        assertThat(restarted.pushAndAwaitReply(snapshot("v2", "m2", policy(81))).getAccepted())
                .isTrue();
        assertThat(applied).hasSize(2);
    }

    @Test
    void aPolicyRestoredAtStartIsEnforcedUntilReplaced() throws Exception {
        client = clientBuilder()
                .initialPolicy(new AppliedPolicy("v0", policy(22)))
                .build();
        assertThat(client.current().orElseThrow().policy()).isEqualTo(policy(22));
        client.start();
        assertThat(take(service.hellos).getAppliedVersion()).isEqualTo("v0");
    }

    static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadlineNs = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadlineNs) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(5);
        }
    }
}
