package dev.ferry.control.plane.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.control.plane.TestPolicies;
import dev.ferry.control.plane.crd.StreamPolicy;
import dev.ferry.control.v1.CongestionControl;
import dev.ferry.control.v1.ListenerPolicy;
import org.junit.jupiter.api.Test;

class SpecTranslatorTest {

    @Test
    void translatesEveryFieldOfAPolicy() {
        StreamPolicy policy = TestPolicies.web("full", """
                - port: 8080
                  allow: ["10.0.0.0/8"]
                  deny: ["10.66.0.0/16"]
                  maxConnections: 1000
                  newConnectionRate: {ratePerSecond: 200, burst: 50}
                  byteRates:
                    streamIngress: {ratePerSecond: 1000000, burst: 65536}
                    podEgress: {ratePerSecond: 50000000, burst: 1000000}
                  timeouts: {handshake: 5s, idle: 5m, keepaliveInterval: 60s, keepaliveProbes: 3, maxLifetime: 1h, drain: 1m30s}
                  congestionControl: cubic
                  peers:
                  - cidr: 10.1.0.0/16
                    maxConnections: 10
                """);
        SpecTranslator.Translation t = SpecTranslator.translate(policy.getSpec());
        assertThat(t.problems()).isEmpty();
        ListenerPolicy listener = t.listeners().getFirst();
        assertThat(listener.getPort()).isEqualTo(8080);
        assertThat(listener.getRules().getAllowCidrsList()).containsExactly("10.0.0.0/8");
        assertThat(listener.getRules().getDenyCidrsList()).containsExactly("10.66.0.0/16");
        assertThat(listener.getRules().getMaxConnections()).isEqualTo(1000);
        assertThat(listener.getRules().getNewConnectionRate().getRatePerSecond())
                .isEqualTo(200);
        assertThat(listener.getRules().getByteRates().getStreamIngress().getBurst())
                .isEqualTo(65536);
        assertThat(listener.getRules().getByteRates().getPodEgress().getRatePerSecond())
                .isEqualTo(50_000_000);
        assertThat(listener.getRules().getByteRates().hasStreamEgress()).isFalse();
        var timeouts = listener.getRules().getTimeouts();
        assertThat(timeouts.getHandshakeMs()).isEqualTo(5_000);
        assertThat(timeouts.getIdleMs()).isEqualTo(300_000);
        assertThat(timeouts.getKeepaliveIntervalMs()).isEqualTo(60_000);
        assertThat(timeouts.getKeepaliveProbes()).isEqualTo(3);
        assertThat(timeouts.getMaxLifetimeMs()).isEqualTo(3_600_000);
        assertThat(timeouts.getDrainMs()).isEqualTo(90_000);
        assertThat(listener.getRules().getCongestionControl()).isEqualTo(CongestionControl.CONGESTION_CONTROL_CUBIC);
        assertThat(listener.getPeers(0).getCidr()).isEqualTo("10.1.0.0/16");
        assertThat(listener.getPeers(0).getRules().getMaxConnections()).isEqualTo(10);
    }

    @Test
    void reportsUnknownFieldsBadDurationsNegativeRatesAndUnknownAlgorithms() {
        StreamPolicy policy = TestPolicies.web("bad", """
                - port: 8080
                  maxConections: 10
                  byteRates:
                    streamIngress: {ratePerSecond: -1, burst: 100}
                  timeouts: {idle: 5 minutes}
                  congestionControl: bbr
                """);
        assertThat(SpecTranslator.translate(policy.getSpec()).problems())
                .containsExactlyInAnyOrder(
                        "spec.ports[0].maxConections: unknown field",
                        "spec.ports[0].timeouts.idle: '5 minutes' has no valid unit (use ms, s, m or h)",
                        "spec.ports[0].congestionControl: unknown algorithm 'bbr' (newreno or cubic)",
                        "listeners[port=8080].rules.byte_rates.stream_ingress.rate_per_second: must be >= 0 (got -1)");
    }

    @Test
    void refusesBadSelectors() {
        StreamPolicy policy = TestPolicies.parse("""
                apiVersion: ferry.dev/v1alpha1
                kind: StreamPolicy
                metadata: {name: sel, namespace: shop}
                spec:
                  podSelector:
                    matchExpressions:
                    - {key: tier, operator: In, values: []}
                    - {key: tier, operator: Near}
                  ports: [{port: 80}]
                """);
        assertThat(SpecTranslator.translate(policy.getSpec()).problems())
                .containsExactly(
                        "spec.podSelector.matchExpressions[0].values: must be non-empty for In",
                        "spec.podSelector.matchExpressions[1].operator: unknown operator 'Near'");
    }

    @Test
    void durationsNeedUnits() {
        assertThat(Durations.parseMs("250ms")).isEqualTo(250);
        assertThat(Durations.parseMs("1h2m3s")).isEqualTo(3_723_000);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parseMs("30"))
                .hasMessageContaining("no valid unit");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Durations.parseMs("-5s"))
                .hasMessageContaining("not a duration");
    }
}
