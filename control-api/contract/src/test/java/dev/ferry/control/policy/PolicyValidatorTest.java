package dev.ferry.control.policy;

import static dev.ferry.control.policy.Policies.bucket;
import static dev.ferry.control.policy.Policies.listener;
import static dev.ferry.control.policy.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.PeerRule;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.StreamRules;
import dev.ferry.control.v1.Timeouts;
import org.junit.jupiter.api.Test;

class PolicyValidatorTest {

    private static Policy withRules(StreamRules.Builder rules) {
        return Policy.newBuilder()
                .addListeners(ListenerPolicy.newBuilder().setPort(8080).setRules(rules))
                .build();
    }

    @Test
    void aCompletePolicyIsValid() {
        assertThat(PolicyValidator.violations(policy(80, 443, 8080))).isEmpty();
        assertThat(PolicyValidator.violations(Policy.getDefaultInstance())).isEmpty();
    }

    @Test
    void negativeRatesAndEmptyBucketsAreRejectedWithTheirPath() {
        Policy bad = withRules(StreamRules.newBuilder()
                .setMaxConnections(-1)
                .setNewConnectionRate(bucket(10, 0))
                .setByteRates(ByteRates.newBuilder().setStreamEgress(bucket(-5, 100))));
        assertThat(PolicyValidator.violations(bad))
                .containsExactlyInAnyOrder(
                        "listeners[port=8080].rules.max_connections: must be >= 0 (got -1)",
                        "listeners[port=8080].rules.new_connection_rate.burst: must be > 0 when rate_per_second is > 0",
                        "listeners[port=8080].rules.byte_rates.stream_egress.rate_per_second: must be >= 0 (got -5)");
    }

    @Test
    void contradictoryRulesAreRejected() {
        Policy both =
                withRules(StreamRules.newBuilder().addAllowCidrs("10.0.0.0/8").addDenyCidrs("10.0.0.0/8"));
        assertThat(PolicyValidator.violations(both))
                .containsExactly("listeners[port=8080].rules: 10.0.0.0/8 is both allowed and denied");

        // A narrower deny inside a wider allow is the usual exception pattern, not a contradiction.
        Policy exception =
                withRules(StreamRules.newBuilder().addAllowCidrs("10.0.0.0/8").addDenyCidrs("10.9.0.0/16"));
        assertThat(PolicyValidator.violations(exception)).isEmpty();

        Policy shadowed =
                withRules(StreamRules.newBuilder().addAllowCidrs("10.1.0.0/16").addDenyCidrs("10.0.0.0/8"));
        assertThat(PolicyValidator.violations(shadowed))
                .containsExactly(
                        "listeners[port=8080].rules: allowed 10.1.0.0/16 lies inside denied 10.0.0.0/8, so it can never connect");

        Policy twoPeerRules = Policy.newBuilder()
                .addListeners(ListenerPolicy.newBuilder()
                        .setPort(80)
                        .addPeers(PeerRule.newBuilder()
                                .setCidr("192.168.0.0/16")
                                .setRules(StreamRules.newBuilder().setMaxConnections(1)))
                        .addPeers(PeerRule.newBuilder()
                                .setCidr("192.168.0.0/16")
                                .setRules(StreamRules.newBuilder().setMaxConnections(2))))
                .build();
        assertThat(PolicyValidator.violations(twoPeerRules))
                .singleElement()
                .asString()
                .contains("contradicts");

        Policy twice = Policy.newBuilder()
                .addListeners(listener(80))
                .addListeners(listener(80))
                .build();
        assertThat(PolicyValidator.violations(twice))
                .containsExactly("listeners[port=80]: port appears more than once");
    }

    @Test
    void portsCidrsAndTimeoutsAreChecked() {
        Policy policy = Policy.newBuilder()
                .addListeners(ListenerPolicy.newBuilder()
                        .setPort(0)
                        .setRules(StreamRules.newBuilder()
                                .addDenyCidrs("10.0.0.1/8")
                                .setTimeouts(Timeouts.newBuilder()
                                        .setIdleMs(1000)
                                        .setKeepaliveIntervalMs(1000)
                                        .setDrainMs(0))))
                .build();
        assertThat(PolicyValidator.violations(policy))
                .containsExactlyInAnyOrder(
                        "listeners[port=0].port: must be 1..65535 (got 0)",
                        "listeners[port=0].rules.deny_cidrs: '10.0.0.1/8' has host bits set beyond /8",
                        "listeners[port=0].rules.timeouts.drain_ms: must be > 0 (got 0)",
                        "listeners[port=0].rules.timeouts: keepalive_interval_ms (1000) must be shorter than idle_ms (1000)");
    }

    @Test
    void unknownCongestionControlFromANewerControlPlaneIsRejected() {
        Policy policy = withRules(StreamRules.newBuilder().setCongestionControlValue(42));
        assertThat(PolicyValidator.violations(policy))
                .containsExactly("listeners[port=8080].rules.congestion_control: unknown algorithm 42");
    }
}
