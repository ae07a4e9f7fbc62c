package dev.ferry.control.policy;

import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.CongestionControl;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.PeerRule;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.StreamRules;
import dev.ferry.control.v1.Timeouts;
import dev.ferry.control.v1.TokenBucket;

/** Realistic policies for tests. */
public final class Policies {

    private Policies() {}

    public static TokenBucket bucket(long rate, long burst) {
        return TokenBucket.newBuilder().setRatePerSecond(rate).setBurst(burst).build();
    }

    /** A fully specified listener on {@code port}. */
    public static ListenerPolicy listener(int port) {
        StreamRules rules = StreamRules.newBuilder()
                .addAllowCidrs("10.0.0.0/8")
                .addDenyCidrs("10.66.0.0/16")
                .setMaxConnections(1000)
                .setNewConnectionRate(bucket(200, 50))
                .setByteRates(ByteRates.newBuilder()
                        .setStreamIngress(bucket(1_000_000, 64_000))
                        .setPodEgress(bucket(50_000_000, 1_000_000)))
                .setTimeouts(Timeouts.newBuilder()
                        .setHandshakeMs(5_000)
                        .setIdleMs(300_000)
                        .setKeepaliveIntervalMs(60_000)
                        .setKeepaliveProbes(3)
                        .setMaxLifetimeMs(3_600_000)
                        .setDrainMs(10_000))
                .setCongestionControl(CongestionControl.CONGESTION_CONTROL_CUBIC)
                .build();
        return ListenerPolicy.newBuilder()
                .setPort(port)
                .setRules(rules)
                .addPeers(PeerRule.newBuilder()
                        .setCidr("10.1.0.0/16")
                        .setRules(StreamRules.newBuilder().setMaxConnections(10)))
                .build();
    }

    public static Policy policy(int... ports) {
        Policy.Builder policy = Policy.newBuilder().addSources("default/test");
        for (int port : ports) {
            policy.addListeners(listener(port));
        }
        return policy.build();
    }
}
