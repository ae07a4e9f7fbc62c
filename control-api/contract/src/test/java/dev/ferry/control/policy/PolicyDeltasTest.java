package dev.ferry.control.policy;

import static dev.ferry.control.policy.Policies.listener;
import static dev.ferry.control.policy.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.PolicyDelta;
import dev.ferry.control.v1.StreamRules;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyDeltasTest {

    @Test
    void aDeltaCarriesOnlyChangedAndRemovedListeners() {
        Policy before = policy(80, 443, 8080);
        Policy after = Policy.newBuilder()
                .addListeners(listener(80))
                .addListeners(listener(443).toBuilder()
                        .setRules(StreamRules.newBuilder().setMaxConnections(5)))
                .addListeners(listener(9090))
                .addSources("default/other")
                .build();
        PolicyDelta delta = PolicyDeltas.diff(before, after);
        assertThat(delta.getUpsertList()).extracting(ListenerPolicy::getPort).containsExactly(443, 9090);
        assertThat(delta.getRemovePortsList()).containsExactly(8080);
        Policy applied = PolicyDeltas.apply(before, delta);
        assertThat(PolicyVersions.canonical(applied)).isEqualTo(PolicyVersions.canonical(after));
    }

    @Test
    void diffThenApplyReproducesTheTargetForRandomPolicies() {
        long seed = Long.getLong("ferry.seed", System.nanoTime());
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            Policy from = randomPolicy(random);
            Policy to = randomPolicy(random);
            Policy applied = PolicyDeltas.apply(from, PolicyDeltas.diff(from, to));
            assertThat(PolicyVersions.versionOf(applied))
                    .as("seed %d (replay with -Dferry.seed=%d), round %d", seed, seed, round)
                    .isEqualTo(PolicyVersions.versionOf(to));
            assertThat(applied.getSourcesList()).isEqualTo(to.getSourcesList());
        }
    }

    @Test
    void versionsDependOnContentNotOnOrderOrProvenance() {
        Policy ab = Policy.newBuilder()
                .addListeners(listener(1))
                .addListeners(listener(2))
                .build();
        Policy ba = Policy.newBuilder()
                .addListeners(listener(2))
                .addListeners(listener(1))
                .addSources("x/y")
                .build();
        assertThat(PolicyVersions.versionOf(ab))
                .isEqualTo(PolicyVersions.versionOf(ba))
                .hasSize(16);
        Policy changed = Policy.newBuilder()
                .addListeners(listener(1))
                .addListeners(listener(2).toBuilder()
                        .setRules(StreamRules.newBuilder().setMaxConnections(7)))
                .build();
        assertThat(PolicyVersions.versionOf(changed)).isNotEqualTo(PolicyVersions.versionOf(ab));
    }

    private static Policy randomPolicy(Random random) {
        List<Integer> ports = new ArrayList<>(List.of(22, 80, 443, 5432, 8080, 9090));
        Collections.shuffle(ports, random);
        Policy.Builder policy = Policy.newBuilder().addSources("ns/p" + random.nextInt(3));
        for (int port : ports.subList(0, random.nextInt(ports.size() + 1))) {
            ListenerPolicy listener = listener(port);
            if (random.nextBoolean()) {
                listener = listener.toBuilder()
                        .setRules(StreamRules.newBuilder().setMaxConnections(random.nextInt(3)))
                        .build();
            }
            policy.addListeners(listener);
        }
        return policy.build();
    }
}
