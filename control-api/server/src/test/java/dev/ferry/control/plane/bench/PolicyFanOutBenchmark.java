package dev.ferry.control.plane.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.plane.policy.PodDirectory;
import dev.ferry.control.v1.SidecarHello;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.opentelemetry.api.OpenTelemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Policy fan-out: how long from "a StreamPolicy changed" until all N connected sidecars applied
 * the new version, and until the control plane holds all N ACKs. In-process transport, real
 * client library, one shared client scheduler (as N sidecars would each have their own thread,
 * this is the harder case for the client side).
 *
 * <p>Not part of the normal test run (the name does not end in Test). Run on demand:
 * {@code ./mvnw -q -pl control-api/server -am verify -Dtest=PolicyFanOutBenchmark
 * -Dsurefire.failIfNoSpecifiedTests=false -Dferry.bench.sidecars=1000 -Dferry.bench.rounds=30}
 */
class PolicyFanOutBenchmark {

    @Test
    void fanOut() throws Exception {
        int sidecars = Integer.getInteger("ferry.bench.sidecars", 1000);
        int rounds = Integer.getInteger("ferry.bench.rounds", 30);
        int warmup = Integer.getInteger("ferry.bench.warmup", 10);
        String name = InProcessServerBuilder.generateName();
        ControlPlane plane = new ControlPlane(
                PodDirectory.TRUST_SIDECAR,
                OpenTelemetry.noop().getMeter("bench"),
                r -> {},
                ControlPlane.Settings.defaults());
        Server server = plane.bind(InProcessServerBuilder.forName(name)).build().start();
        ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
        ScheduledExecutorService clientScheduler = Executors.newScheduledThreadPool(2);
        AtomicReference<String> target = new AtomicReference<>("");
        AtomicReference<CountDownLatch> applied = new AtomicReference<>(new CountDownLatch(sidecars));
        List<PolicyClient> clients = new ArrayList<>();
        try {
            apply(plane, 0);
            for (int i = 0; i < sidecars; i++) {
                SidecarHello hello = SidecarHello.newBuilder()
                        .setPod("web-" + i)
                        .setNamespace("shop")
                        .putLabels("app", "web")
                        .build();
                clients.add(PolicyClient.builder(channel, hello)
                        .scheduler(clientScheduler)
                        .listener(p -> applied.get().countDown())
                        .build()
                        .start());
            }
            Await.until(
                    "all connected and initial version applied",
                    () -> plane.distributor().acks() == sidecars);

            long[] appliedNs = new long[rounds];
            long[] ackedNs = new long[rounds];
            for (int round = 1; round <= warmup + rounds; round++) {
                CountDownLatch latch = new CountDownLatch(sidecars);
                applied.set(latch);
                long acksBefore = plane.distributor().acks();
                long startNs = System.nanoTime();
                apply(plane, round);
                assertThat(latch.await(60, TimeUnit.SECONDS))
                        .as("round %d applied everywhere", round)
                        .isTrue();
                long appliedAtNs = System.nanoTime();
                while (plane.distributor().acks() < acksBefore + sidecars) {
                    Thread.onSpinWait();
                }
                long ackedAtNs = System.nanoTime();
                if (round > warmup) {
                    appliedNs[round - warmup - 1] = appliedAtNs - startNs;
                    ackedNs[round - warmup - 1] = ackedAtNs - startNs;
                }
            }
            System.out.printf(
                    "policy fan-out to %d sidecars (in-process, %d rounds after %d warm-up; %d pushes, %d as deltas):%n"
                            + "  all applied: %s%n  all ACKs at the control plane: %s%n",
                    sidecars,
                    rounds,
                    warmup,
                    plane.distributor().pushes(),
                    plane.distributor().deltaPushes(),
                    Stats.ofNanos(appliedNs),
                    Stats.ofNanos(ackedNs));
        } finally {
            clients.forEach(PolicyClient::close);
            clientScheduler.shutdownNow();
            plane.close();
            channel.shutdownNow();
            server.shutdownNow();
        }
    }

    /** Version {@code round} of a three-port policy; each round changes one port's limit. */
    private static void apply(ControlPlane plane, int round) {
        StreamPolicy policy = TestPolicies.web("bench", """
                - port: 8080
                  maxConnections: %d
                  timeouts: {idle: 5m, handshake: 5s}
                - port: 8443
                  allow: ["10.0.0.0/8"]
                  byteRates: {streamEgress: {ratePerSecond: 1000000, burst: 65536}}
                - port: 9090
                  maxConnections: 10
                """.formatted(1000 + round));
        plane.store().upsert("shop", "bench", round + 1, policy.getSpec());
        plane.policiesChanged();
    }
}
