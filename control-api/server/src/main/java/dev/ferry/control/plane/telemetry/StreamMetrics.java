package dev.ferry.control.plane.telemetry;

import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import java.util.Locale;

/**
 * Aggregates stream events into OpenTelemetry metrics. Sidecars report cumulative counters per
 * stream; the difference to the stream's previous report becomes the counter increment, so a
 * sample lost to a drop is folded into the next one instead of being lost.
 *
 * <p>Attributes are kept to namespace, direction and reason: pod names and 4-tuples would make
 * the cardinality unbounded (they live in the recent-streams view instead).
 */
public final class StreamMetrics {

    static final AttributeKey<String> NAMESPACE = AttributeKey.stringKey("k8s.namespace.name");
    static final AttributeKey<String> DIRECTION = AttributeKey.stringKey("ferry.direction");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("ferry.close_reason");
    static final AttributeKey<String> CAUSE = AttributeKey.stringKey("ferry.limit_cause");

    private final LongCounter opened;
    private final LongCounter closed;
    private final LongCounter bytes;
    private final LongCounter segments;
    private final LongCounter retransmits;
    private final LongCounter limitedNs;
    private final DoubleHistogram srttMs;
    private final LongCounter events;
    private final LongCounter sidecarDrops;

    public StreamMetrics(Meter meter) {
        opened = meter.counterBuilder("ferry.streams.opened")
                .setDescription("Streams opened")
                .build();
        closed = meter.counterBuilder("ferry.streams.closed")
                .setDescription("Streams closed, by reason")
                .build();
        bytes = meter.counterBuilder("ferry.stream.bytes")
                .setUnit("By")
                .setDescription("Payload bytes")
                .build();
        segments = meter.counterBuilder("ferry.stream.segments")
                .setDescription("TCP segments")
                .build();
        retransmits = meter.counterBuilder("ferry.stream.retransmits")
                .setDescription("Retransmitted segments")
                .build();
        limitedNs = meter.counterBuilder("ferry.stream.limited_time")
                .setUnit("ns")
                .setDescription("Time a sender with data was held back, by cause")
                .build();
        srttMs = meter.histogramBuilder("ferry.stream.srtt")
                .setUnit("ms")
                .setDescription("Smoothed RTT samples")
                .build();
        events = meter.counterBuilder("ferry.telemetry.events")
                .setDescription("Stream events received")
                .build();
        sidecarDrops = meter.counterBuilder("ferry.telemetry.dropped")
                .setDescription("Stream events sidecars dropped before sending")
                .build();
    }

    /** The attribute sets of one namespace, built once: the intake handles ~10^5 events/s. */
    private record NamespaceAttributes(
            Attributes ns,
            Attributes in,
            Attributes out,
            Attributes inbound,
            Attributes outbound,
            Attributes rate,
            Attributes peerWindow,
            Attributes congestion) {
        static NamespaceAttributes of(String namespace) {
            return new NamespaceAttributes(
                    Attributes.of(NAMESPACE, namespace),
                    Attributes.of(NAMESPACE, namespace, DIRECTION, "in"),
                    Attributes.of(NAMESPACE, namespace, DIRECTION, "out"),
                    Attributes.of(NAMESPACE, namespace, DIRECTION, "inbound"),
                    Attributes.of(NAMESPACE, namespace, DIRECTION, "outbound"),
                    Attributes.of(NAMESPACE, namespace, CAUSE, "rate"),
                    Attributes.of(NAMESPACE, namespace, CAUSE, "peer_window"),
                    Attributes.of(NAMESPACE, namespace, CAUSE, "congestion"));
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<String, NamespaceAttributes> attributes =
            new java.util.concurrent.ConcurrentHashMap<>();

    void record(SidecarHello sidecar, StreamEvent event, StreamCounters previous) {
        String namespace = sidecar.getNamespace();
        NamespaceAttributes a = attributes.computeIfAbsent(namespace, NamespaceAttributes::of);
        events.add(1, a.ns());
        switch (event.getKindCase()) {
            case OPENED -> opened.add(1, event.getOpened().getInbound() ? a.inbound() : a.outbound());
            case SAMPLE -> counters(a, event.getSample().getCounters(), previous);
            case CLOSED -> {
                counters(a, event.getClosed().getCounters(), previous);
                // Bounded cardinality: one series per enum value (the name is interned by the enum).
                String reason = event.getClosed()
                        .getReason()
                        .name()
                        .replace("CLOSE_REASON_", "")
                        .toLowerCase(Locale.ROOT);
                closed.add(1, Attributes.of(NAMESPACE, namespace, REASON, reason));
            }
            default -> {}
        }
    }

    private void counters(NamespaceAttributes a, StreamCounters now, StreamCounters before) {
        bytes.add(delta(now.getBytesIn(), before.getBytesIn()), a.in());
        bytes.add(delta(now.getBytesOut(), before.getBytesOut()), a.out());
        segments.add(delta(now.getSegmentsIn(), before.getSegmentsIn()), a.in());
        segments.add(delta(now.getSegmentsOut(), before.getSegmentsOut()), a.out());
        retransmits.add(delta(now.getRetransmits(), before.getRetransmits()), a.ns());
        limitedNs.add(delta(now.getRateLimitedNs(), before.getRateLimitedNs()), a.rate());
        limitedNs.add(delta(now.getPeerWindowLimitedNs(), before.getPeerWindowLimitedNs()), a.peerWindow());
        limitedNs.add(delta(now.getCongestionLimitedNs(), before.getCongestionLimitedNs()), a.congestion());
        if (now.getSrttUs() > 0) {
            srttMs.record(now.getSrttUs() / 1000.0, a.ns());
        }
    }

    /** Counters only grow within a stream; a smaller value means a reset sidecar: count it afresh. */
    private static long delta(long now, long before) {
        return now >= before ? now - before : now;
    }

    void droppedBySidecar(SidecarHello sidecar, long count) {
        sidecarDrops.add(
                count,
                attributes
                        .computeIfAbsent(sidecar.getNamespace(), NamespaceAttributes::of)
                        .ns());
    }
}
