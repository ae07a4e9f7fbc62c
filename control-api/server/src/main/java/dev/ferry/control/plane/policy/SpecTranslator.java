package dev.ferry.control.plane.policy;

import dev.ferry.control.plane.crd.Bucket;
import dev.ferry.control.plane.crd.ByteRateSpec;
import dev.ferry.control.plane.crd.PeerRules;
import dev.ferry.control.plane.crd.PortRules;
import dev.ferry.control.plane.crd.Rules;
import dev.ferry.control.plane.crd.StreamPolicySpec;
import dev.ferry.control.plane.crd.TimeoutSpec;
import dev.ferry.control.plane.crd.UnknownFields;
import dev.ferry.control.policy.PolicyValidator;
import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.CongestionControl;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.PeerRule;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.StreamRules;
import dev.ferry.control.v1.Timeouts;
import dev.ferry.control.v1.TokenBucket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongConsumer;

/**
 * Turns a StreamPolicy spec into the wire form and finds everything wrong with it: problems only
 * the CRD form can have (unknown fields, bad durations, unknown algorithm names) are found here,
 * everything else by the shared {@link PolicyValidator}, so the sidecar would NACK the same things.
 */
public final class SpecTranslator {

    /** The listeners of a spec, and its problems (empty when valid). */
    public record Translation(List<ListenerPolicy> listeners, List<String> problems) {
        public boolean valid() {
            return problems.isEmpty();
        }
    }

    private SpecTranslator() {}

    public static Translation translate(StreamPolicySpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec == null) {
            return new Translation(List.of(), List.of("spec: missing"));
        }
        unknown("spec", spec, problems);
        if (spec.getPodSelector() != null) {
            problems.addAll(LabelSelectors.problems(spec.getPodSelector()));
        }
        List<ListenerPolicy> listeners = new ArrayList<>();
        List<PortRules> ports = spec.getPorts() == null ? List.of() : spec.getPorts();
        for (int i = 0; i < ports.size(); i++) {
            PortRules port = ports.get(i);
            String path = "spec.ports[" + i + "]";
            ListenerPolicy.Builder listener =
                    ListenerPolicy.newBuilder().setPort(port.getPort()).setRules(rules(path, port, problems));
            List<PeerRules> peers = port.getPeers() == null ? List.of() : port.getPeers();
            for (int j = 0; j < peers.size(); j++) {
                PeerRules peer = peers.get(j);
                String peerPath = path + ".peers[" + j + "]";
                if (peer.getCidr() == null) {
                    problems.add(peerPath + ".cidr: missing");
                    continue;
                }
                listener.addPeers(
                        PeerRule.newBuilder().setCidr(peer.getCidr()).setRules(rules(peerPath, peer, problems)));
            }
            listeners.add(listener.build());
        }
        problems.addAll(PolicyValidator.violations(
                Policy.newBuilder().addAllListeners(listeners).build()));
        return new Translation(List.copyOf(listeners), List.copyOf(problems));
    }

    private static StreamRules rules(String path, Rules rules, List<String> problems) {
        unknown(path, rules, problems);
        StreamRules.Builder out = StreamRules.newBuilder();
        if (rules.getAllow() != null) {
            out.addAllAllowCidrs(rules.getAllow());
        }
        if (rules.getDeny() != null) {
            out.addAllDenyCidrs(rules.getDeny());
        }
        if (rules.getMaxConnections() != null) {
            out.setMaxConnections(rules.getMaxConnections());
        }
        if (rules.getNewConnectionRate() != null) {
            out.setNewConnectionRate(bucket(path + ".newConnectionRate", rules.getNewConnectionRate(), problems));
        }
        if (rules.getByteRates() != null) {
            out.setByteRates(byteRates(path + ".byteRates", rules.getByteRates(), problems));
        }
        if (rules.getTimeouts() != null) {
            out.setTimeouts(timeouts(path + ".timeouts", rules.getTimeouts(), problems));
        }
        if (rules.getCongestionControl() != null) {
            switch (rules.getCongestionControl().toLowerCase(Locale.ROOT)) {
                case "newreno", "new_reno", "reno" ->
                    out.setCongestionControl(CongestionControl.CONGESTION_CONTROL_NEW_RENO);
                case "cubic" -> out.setCongestionControl(CongestionControl.CONGESTION_CONTROL_CUBIC);
                default ->
                    problems.add(path + ".congestionControl: unknown algorithm '" + rules.getCongestionControl()
                            + "' (newreno or cubic)");
            }
        }
        return out.build();
    }

    private static ByteRates byteRates(String path, ByteRateSpec spec, List<String> problems) {
        unknown(path, spec, problems);
        ByteRates.Builder out = ByteRates.newBuilder();
        if (spec.getStreamIngress() != null) {
            out.setStreamIngress(bucket(path + ".streamIngress", spec.getStreamIngress(), problems));
        }
        if (spec.getStreamEgress() != null) {
            out.setStreamEgress(bucket(path + ".streamEgress", spec.getStreamEgress(), problems));
        }
        if (spec.getPodIngress() != null) {
            out.setPodIngress(bucket(path + ".podIngress", spec.getPodIngress(), problems));
        }
        if (spec.getPodEgress() != null) {
            out.setPodEgress(bucket(path + ".podEgress", spec.getPodEgress(), problems));
        }
        return out.build();
    }

    private static TokenBucket bucket(String path, Bucket bucket, List<String> problems) {
        unknown(path, bucket, problems);
        return TokenBucket.newBuilder()
                .setRatePerSecond(bucket.getRatePerSecond())
                .setBurst(bucket.getBurst())
                .build();
    }

    private static Timeouts timeouts(String path, TimeoutSpec spec, List<String> problems) {
        unknown(path, spec, problems);
        Timeouts.Builder out = Timeouts.newBuilder();
        duration(path + ".handshake", spec.getHandshake(), out::setHandshakeMs, problems);
        duration(path + ".idle", spec.getIdle(), out::setIdleMs, problems);
        duration(path + ".keepaliveInterval", spec.getKeepaliveInterval(), out::setKeepaliveIntervalMs, problems);
        duration(path + ".maxLifetime", spec.getMaxLifetime(), out::setMaxLifetimeMs, problems);
        duration(path + ".drain", spec.getDrain(), out::setDrainMs, problems);
        if (spec.getKeepaliveProbes() != null) {
            out.setKeepaliveProbes(spec.getKeepaliveProbes());
        }
        return out.build();
    }

    private static void duration(String path, String text, LongConsumer set, List<String> problems) {
        if (text == null) {
            return;
        }
        try {
            set.accept(Durations.parseMs(text));
        } catch (IllegalArgumentException | ArithmeticException e) {
            problems.add(path + ": " + e.getMessage());
        }
    }

    private static void unknown(String path, UnknownFields fields, List<String> problems) {
        for (String name : fields.unknownFields().keySet()) {
            problems.add(path + "." + name + ": unknown field");
        }
    }
}
