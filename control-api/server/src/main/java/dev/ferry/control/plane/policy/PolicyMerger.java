package dev.ferry.control.plane.policy;

import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.CongestionControl;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.PeerRule;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.StreamRules;
import dev.ferry.control.v1.Timeouts;
import dev.ferry.control.v1.TokenBucket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the policies that select one pod into its effective policy. The rules, applied per port
 * and, inside a port, per peer CIDR (policies are visited in {@link AcceptedPolicy#PRECEDENCE}):
 *
 * <ul>
 *   <li><b>Limits</b> (max connections, new-connection rate, byte rates): the most restrictive wins
 *       — the smallest value; a token bucket takes the smallest rate and the smallest burst.
 *       Adding a policy can therefore only tighten a limit.
 *   <li><b>deny CIDRs</b>: the union.
 *   <li><b>allow CIDRs</b>: the list of the first policy that has one. Lists are not intersected: a
 *       person can read which policy decided who may connect.
 *   <li><b>Timeouts</b> (each field) and <b>congestion control</b>: the first policy that sets it.
 * </ul>
 *
 * The result is validated like any single policy; if two policies contradict each other (one
 * allows exactly what another denies), the merge is refused and the pod keeps its last good
 * policy.
 */
public final class PolicyMerger {

    private PolicyMerger() {}

    /** {@code policies} must already be sorted by {@link AcceptedPolicy#PRECEDENCE}. */
    public static Policy merge(List<AcceptedPolicy> policies) {
        Map<Integer, List<ListenerPolicy>> byPort = new TreeMap<>();
        Policy.Builder out = Policy.newBuilder();
        for (AcceptedPolicy policy : policies) {
            out.addSources(policy.key());
            for (ListenerPolicy listener : policy.listeners()) {
                byPort.computeIfAbsent(listener.getPort(), p -> new ArrayList<>())
                        .add(listener);
            }
        }
        byPort.forEach((port, listeners) -> out.addListeners(mergeListener(port, listeners)));
        return out.build();
    }

    private static ListenerPolicy mergeListener(int port, List<ListenerPolicy> listeners) {
        List<StreamRules> portRules = new ArrayList<>();
        Map<String, List<StreamRules>> peerRules = new LinkedHashMap<>();
        for (ListenerPolicy listener : listeners) {
            portRules.add(listener.getRules());
            for (PeerRule peer : listener.getPeersList()) {
                peerRules
                        .computeIfAbsent(peer.getCidr(), c -> new ArrayList<>())
                        .add(peer.getRules());
            }
        }
        ListenerPolicy.Builder out = ListenerPolicy.newBuilder().setPort(port).setRules(mergeRules(portRules));
        peerRules.forEach((cidr, rules) ->
                out.addPeers(PeerRule.newBuilder().setCidr(cidr).setRules(mergeRules(rules))));
        return out.build();
    }

    static StreamRules mergeRules(List<StreamRules> rules) {
        StreamRules.Builder out = StreamRules.newBuilder();
        Set<String> deny = new LinkedHashSet<>();
        boolean allowChosen = false;
        Timeouts.Builder timeouts = Timeouts.newBuilder();
        boolean anyTimeout = false;
        for (StreamRules r : rules) {
            deny.addAll(r.getDenyCidrsList());
            if (!allowChosen && r.getAllowCidrsCount() > 0) {
                out.addAllAllowCidrs(r.getAllowCidrsList());
                allowChosen = true;
            }
            if (r.hasMaxConnections()) {
                out.setMaxConnections(
                        out.hasMaxConnections()
                                ? Math.min(out.getMaxConnections(), r.getMaxConnections())
                                : r.getMaxConnections());
            }
            if (r.hasNewConnectionRate()) {
                out.setNewConnectionRate(tighter(
                        out.hasNewConnectionRate() ? out.getNewConnectionRate() : null, r.getNewConnectionRate()));
            }
            if (r.hasByteRates()) {
                out.setByteRates(tighter(out.hasByteRates() ? out.getByteRates() : null, r.getByteRates()));
            }
            if (r.hasTimeouts()) {
                firstSet(timeouts, r.getTimeouts());
                anyTimeout = true;
            }
            if (out.getCongestionControl() == CongestionControl.CONGESTION_CONTROL_UNSPECIFIED) {
                out.setCongestionControlValue(r.getCongestionControlValue());
            }
        }
        out.addAllDenyCidrs(deny);
        if (anyTimeout) {
            out.setTimeouts(timeouts);
        }
        return out.build();
    }

    private static TokenBucket tighter(TokenBucket a, TokenBucket b) {
        if (a == null) {
            return b;
        }
        return TokenBucket.newBuilder()
                .setRatePerSecond(Math.min(a.getRatePerSecond(), b.getRatePerSecond()))
                .setBurst(Math.min(a.getBurst(), b.getBurst()))
                .build();
    }

    private static ByteRates tighter(ByteRates a, ByteRates b) {
        if (a == null) {
            return b;
        }
        ByteRates.Builder out = ByteRates.newBuilder();
        if (a.hasStreamIngress() || b.hasStreamIngress()) {
            out.setStreamIngress(either(
                    a.hasStreamIngress() ? a.getStreamIngress() : null,
                    b.hasStreamIngress() ? b.getStreamIngress() : null));
        }
        if (a.hasStreamEgress() || b.hasStreamEgress()) {
            out.setStreamEgress(either(
                    a.hasStreamEgress() ? a.getStreamEgress() : null,
                    b.hasStreamEgress() ? b.getStreamEgress() : null));
        }
        if (a.hasPodIngress() || b.hasPodIngress()) {
            out.setPodIngress(
                    either(a.hasPodIngress() ? a.getPodIngress() : null, b.hasPodIngress() ? b.getPodIngress() : null));
        }
        if (a.hasPodEgress() || b.hasPodEgress()) {
            out.setPodEgress(
                    either(a.hasPodEgress() ? a.getPodEgress() : null, b.hasPodEgress() ? b.getPodEgress() : null));
        }
        return out.build();
    }

    private static TokenBucket either(TokenBucket a, TokenBucket b) {
        return a == null ? b : tighter(a, b == null ? a : b);
    }

    private static void firstSet(Timeouts.Builder out, Timeouts t) {
        if (!out.hasHandshakeMs() && t.hasHandshakeMs()) {
            out.setHandshakeMs(t.getHandshakeMs());
        }
        if (!out.hasIdleMs() && t.hasIdleMs()) {
            out.setIdleMs(t.getIdleMs());
        }
        if (!out.hasKeepaliveIntervalMs() && t.hasKeepaliveIntervalMs()) {
            out.setKeepaliveIntervalMs(t.getKeepaliveIntervalMs());
        }
        if (!out.hasKeepaliveProbes() && t.hasKeepaliveProbes()) {
            out.setKeepaliveProbes(t.getKeepaliveProbes());
        }
        if (!out.hasMaxLifetimeMs() && t.hasMaxLifetimeMs()) {
            out.setMaxLifetimeMs(t.getMaxLifetimeMs());
        }
        if (!out.hasDrainMs() && t.hasDrainMs()) {
            out.setDrainMs(t.getDrainMs());
        }
    }
}
