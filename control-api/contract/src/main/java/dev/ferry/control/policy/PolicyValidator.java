package dev.ferry.control.policy;

import dev.ferry.control.v1.ByteRates;
import dev.ferry.control.v1.ListenerPolicy;
import dev.ferry.control.v1.PeerRule;
import dev.ferry.control.v1.Policy;
import dev.ferry.control.v1.StreamRules;
import dev.ferry.control.v1.Timeouts;
import dev.ferry.control.v1.TokenBucket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one definition of a valid policy. The control plane runs it to reject a StreamPolicy (the
 * messages go into its status) and the sidecar runs it again before applying a push (the messages
 * become the NACK reason), so a policy the control plane would refuse can never be applied even if
 * a buggy or older control plane sends it.
 *
 * <p>Each violation is one line: a path to the offending field, then what is wrong with it.
 */
public final class PolicyValidator {

    private PolicyValidator() {}

    /** Every problem of a complete policy; empty when valid. */
    public static List<String> violations(Policy policy) {
        List<String> out = new ArrayList<>();
        Set<Integer> ports = new HashSet<>();
        for (ListenerPolicy listener : policy.getListenersList()) {
            if (!ports.add(listener.getPort())) {
                out.add("listeners[port=" + listener.getPort() + "]: port appears more than once");
            }
            checkListener(listener, out);
        }
        return out;
    }

    /** Every problem of one listener's rules; empty when valid. */
    public static List<String> violations(ListenerPolicy listener) {
        List<String> out = new ArrayList<>();
        checkListener(listener, out);
        return out;
    }

    private static void checkListener(ListenerPolicy listener, List<String> out) {
        String path = "listeners[port=" + listener.getPort() + "]";
        if (listener.getPort() < 1 || listener.getPort() > 65535) {
            out.add(path + ".port: must be 1..65535 (got " + listener.getPort() + ")");
        }
        checkRules(path + ".rules", listener.getRules(), out);
        Map<Cidr, String> peerCidrs = new HashMap<>();
        for (PeerRule peer : listener.getPeersList()) {
            String peerPath = path + ".peers[" + peer.getCidr() + "]";
            Cidr cidr = parseInto(peerPath + ".cidr", peer.getCidr(), out);
            if (cidr != null && peerCidrs.putIfAbsent(cidr, peer.getCidr()) != null) {
                // Two rules for the same peers cannot both apply: which one wins would be arbitrary.
                out.add(peerPath + ": contradicts another peer rule for the same CIDR " + peerCidrs.get(cidr)
                        + " (merge them into one rule)");
            }
            checkRules(peerPath + ".rules", peer.getRules(), out);
        }
    }

    private static void checkRules(String path, StreamRules rules, List<String> out) {
        Map<Cidr, String> allowed = new java.util.LinkedHashMap<>();
        for (String text : rules.getAllowCidrsList()) {
            Cidr cidr = parseInto(path + ".allow_cidrs", text, out);
            if (cidr != null) {
                allowed.put(cidr, text);
            }
        }
        for (String text : rules.getDenyCidrsList()) {
            Cidr cidr = parseInto(path + ".deny_cidrs", text, out);
            if (cidr == null) {
                continue;
            }
            if (allowed.containsKey(cidr)) {
                out.add(path + ": " + text + " is both allowed and denied");
                continue;
            }
            // Deny is checked first, so an allow inside a deny can never match: surely a mistake.
            // (A deny inside an allow is the usual "all of them except" and is fine.)
            for (Map.Entry<Cidr, String> allow : allowed.entrySet()) {
                if (cidr.contains(allow.getKey())) {
                    out.add(path + ": allowed " + allow.getValue() + " lies inside denied " + text
                            + ", so it can never connect");
                }
            }
        }
        if (rules.hasMaxConnections() && rules.getMaxConnections() < 0) {
            out.add(path + ".max_connections: must be >= 0 (got " + rules.getMaxConnections() + ")");
        }
        if (rules.hasNewConnectionRate()) {
            checkBucket(path + ".new_connection_rate", rules.getNewConnectionRate(), out);
        }
        if (rules.hasByteRates()) {
            checkByteRates(path + ".byte_rates", rules.getByteRates(), out);
        }
        if (rules.hasTimeouts()) {
            checkTimeouts(path + ".timeouts", rules.getTimeouts(), out);
        }
        if (rules.getCongestionControlValue() < 0
                || dev.ferry.control.v1.CongestionControl.forNumber(rules.getCongestionControlValue()) == null) {
            out.add(path + ".congestion_control: unknown algorithm " + rules.getCongestionControlValue());
        }
    }

    private static void checkByteRates(String path, ByteRates rates, List<String> out) {
        if (rates.hasStreamIngress()) {
            checkBucket(path + ".stream_ingress", rates.getStreamIngress(), out);
        }
        if (rates.hasStreamEgress()) {
            checkBucket(path + ".stream_egress", rates.getStreamEgress(), out);
        }
        if (rates.hasPodIngress()) {
            checkBucket(path + ".pod_ingress", rates.getPodIngress(), out);
        }
        if (rates.hasPodEgress()) {
            checkBucket(path + ".pod_egress", rates.getPodEgress(), out);
        }
    }

    private static void checkBucket(String path, TokenBucket bucket, List<String> out) {
        if (bucket.getRatePerSecond() < 0) {
            out.add(path + ".rate_per_second: must be >= 0 (got " + bucket.getRatePerSecond() + ")");
        }
        if (bucket.getBurst() < 0) {
            out.add(path + ".burst: must be >= 0 (got " + bucket.getBurst() + ")");
        }
        if (bucket.getRatePerSecond() > 0 && bucket.getBurst() == 0) {
            // A bucket that refills but holds nothing can never release a byte.
            out.add(path + ".burst: must be > 0 when rate_per_second is > 0");
        }
    }

    private static void checkTimeouts(String path, Timeouts t, List<String> out) {
        positive(path + ".handshake_ms", t.hasHandshakeMs(), t.getHandshakeMs(), out);
        positive(path + ".idle_ms", t.hasIdleMs(), t.getIdleMs(), out);
        positive(path + ".keepalive_interval_ms", t.hasKeepaliveIntervalMs(), t.getKeepaliveIntervalMs(), out);
        positive(path + ".keepalive_probes", t.hasKeepaliveProbes(), t.getKeepaliveProbes(), out);
        positive(path + ".max_lifetime_ms", t.hasMaxLifetimeMs(), t.getMaxLifetimeMs(), out);
        positive(path + ".drain_ms", t.hasDrainMs(), t.getDrainMs(), out);
        if (t.hasIdleMs() && t.hasKeepaliveIntervalMs() && t.getKeepaliveIntervalMs() >= t.getIdleMs()) {
            // Keepalive exists to hold an idle stream open; if idle fires first it never runs.
            out.add(path + ": keepalive_interval_ms (" + t.getKeepaliveIntervalMs() + ") must be shorter than idle_ms ("
                    + t.getIdleMs() + ")");
        }
    }

    private static void positive(String path, boolean present, long value, List<String> out) {
        if (present && value <= 0) {
            out.add(path + ": must be > 0 (got " + value + ")");
        }
    }

    private static Cidr parseInto(String path, String text, List<String> out) {
        try {
            return Cidr.parse(text);
        } catch (IllegalArgumentException e) {
            out.add(path + ": " + e.getMessage());
            return null;
        }
    }
}
