package dev.ferry.control.plane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.policy.PolicyValidator;
import dev.ferry.control.v1.CongestionControl;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.Policy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PolicyMergerTest {

    private final PolicyStore store = new PolicyStore();

    private void add(String name, int priority, String ports) {
        StreamPolicy p = TestPolicies.web(name, ports);
        p.getSpec().setPriority(priority);
        assertThat(store.upsert("shop", name, 1, p.getSpec())).isTrue();
    }

    private Policy effective() {
        return PolicyMerger.merge(store.selecting("shop", Map.of("app", "web")));
    }

    @Test
    void limitsTakeTheMostRestrictiveValueAndDeniesAddUp() {
        add("base", 0, """
                - port: 80
                  deny: ["10.9.0.0/16"]
                  maxConnections: 100
                  byteRates: {streamIngress: {ratePerSecond: 1000, burst: 10}}
                """);
        add("tight", 0, """
                - port: 80
                  deny: ["10.8.0.0/16"]
                  maxConnections: 500
                  byteRates: {streamIngress: {ratePerSecond: 5000, burst: 5}, podEgress: {ratePerSecond: 7, burst: 7}}
                """);
        ListenerPolicy merged = effective().getListeners(0);
        assertThat(merged.getRules().getMaxConnections()).isEqualTo(100);
        assertThat(merged.getRules().getByteRates().getStreamIngress().getRatePerSecond())
                .isEqualTo(1000);
        assertThat(merged.getRules().getByteRates().getStreamIngress().getBurst())
                .isEqualTo(5);
        assertThat(merged.getRules().getByteRates().getPodEgress().getRatePerSecond())
                .isEqualTo(7);
        assertThat(merged.getRules().getDenyCidrsList()).containsExactly("10.9.0.0/16", "10.8.0.0/16");
    }

    @Test
    void higherPriorityDecidesAllowListsTimeoutsAndCongestionControl() {
        add("a-low", 0, """
                - port: 80
                  allow: ["192.168.0.0/16"]
                  timeouts: {idle: 1m, handshake: 3s}
                  congestionControl: newreno
                """);
        add("z-high", 10, """
                - port: 80
                  allow: ["10.0.0.0/8"]
                  timeouts: {idle: 10m}
                  congestionControl: cubic
                """);
        Policy merged = effective();
        assertThat(merged.getSourcesList()).containsExactly("shop/z-high", "shop/a-low");
        var rules = merged.getListeners(0).getRules();
        assertThat(rules.getAllowCidrsList()).containsExactly("10.0.0.0/8");
        assertThat(rules.getTimeouts().getIdleMs()).isEqualTo(600_000);
        assertThat(rules.getTimeouts().getHandshakeMs())
                .as("only the low one sets it")
                .isEqualTo(3_000);
        assertThat(rules.getCongestionControl()).isEqualTo(CongestionControl.CONGESTION_CONTROL_CUBIC);
    }

    @Test
    void portsAndPeerRulesAreUnitedAcrossPolicies() {
        add("one", 0, """
                - port: 80
                  peers: [{cidr: 10.1.0.0/16, maxConnections: 5}]
                """);
        add("two", 0, """
                - port: 443
                - port: 80
                  peers: [{cidr: 10.1.0.0/16, maxConnections: 3}, {cidr: 10.2.0.0/16, maxConnections: 9}]
                """);
        Policy merged = effective();
        assertThat(merged.getListenersList())
                .extracting(ListenerPolicy::getPort)
                .containsExactly(80, 443);
        var peers = merged.getListeners(0).getPeersList();
        assertThat(peers).hasSize(2);
        assertThat(peers.get(0).getRules().getMaxConnections()).isEqualTo(3);
        assertThat(peers.get(1).getRules().getMaxConnections()).isEqualTo(9);
        assertThat(PolicyValidator.violations(merged)).isEmpty();
    }

    @Test
    void theResultDoesNotDependOnTheOrderPoliciesArrived() {
        long seed = Long.getLong("ferry.seed", System.nanoTime());
        List<String> names = new ArrayList<>(List.of("a", "b", "c", "d", "e"));
        String expected = null;
        Random random = new Random(seed);
        for (int round = 0; round < 20; round++) {
            Collections.shuffle(names, random);
            PolicyStore fresh = new PolicyStore();
            for (String name : names) {
                StreamPolicy p = TestPolicies.web(
                        name, """
                        - port: 80
                          maxConnections: %d
                          timeouts: {idle: %dm}
                          allow: ["10.%d.0.0/16"]
                        """.formatted(name.charAt(0) * 3 % 7 + 1, name.charAt(0) % 5 + 1, name.charAt(0) % 9));
                p.getSpec().setPriority(name.charAt(0) % 2);
                fresh.upsert("shop", name, 1, p.getSpec());
            }
            String merged = PolicyMerger.merge(fresh.selecting("shop", Map.of("app", "web")))
                    .toString();
            if (expected == null) {
                expected = merged;
            }
            assertThat(merged)
                    .as("seed %d (replay with -Dferry.seed=%d)", seed, seed)
                    .isEqualTo(expected);
        }
    }

    @Test
    void anInvalidUpdateKeepsTheLastAcceptedVersion() {
        add("web", 0, "- port: 80\n  maxConnections: 10\n");
        StreamPolicy bad = TestPolicies.web("web", "- port: 80\n  maxConnections: -10\n");
        assertThat(store.upsert("shop", "web", 2, bad.getSpec()))
                .as("no change to push")
                .isFalse();
        PolicyStore.Entry entry = store.entry("shop/web");
        assertThat(entry.valid()).isFalse();
        assertThat(entry.generation()).isEqualTo(2);
        assertThat(entry.accepted().generation()).isEqualTo(1);
        assertThat(effective().getListeners(0).getRules().getMaxConnections()).isEqualTo(10);
    }
}
