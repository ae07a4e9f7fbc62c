package dev.ferry.control.plane.telemetry;

import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamSummary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The most recently updated streams, bounded: the view behind {@code ferry top}, and the last
 * counters of each stream that turn cumulative samples into metric increments. Updating a stream
 * moves it to the front; beyond {@code capacity} the stalest stream is forgotten. A forgotten
 * stream that reports again is counted from zero (its earlier bytes once more), so the capacity
 * should exceed the number of live streams of the cluster (default 100,000, about 40 MB).
 *
 * <p>Thread-safe (synchronized): batches of different sidecars arrive on different threads.
 */
public final class StreamTable implements EventSink {

    private record Key(String namespace, String pod, StreamKey stream) {}

    private final int capacity;
    private final LinkedHashMap<Key, StreamSummary> streams = new LinkedHashMap<>();
    private final StreamMetrics metrics;

    public StreamTable(int capacity, StreamMetrics metrics) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.capacity = capacity;
        this.metrics = metrics;
    }

    @Override
    public void accept(SidecarHello sidecar, StreamEvent event) {
        Key key = new Key(sidecar.getNamespace(), sidecar.getPod(), event.getStream());
        StreamSummary previous;
        StreamSummary next;
        synchronized (this) {
            previous = streams.remove(key);
            StreamSummary.Builder summary = previous == null
                    ? StreamSummary.newBuilder()
                            .setNamespace(key.namespace())
                            .setPod(key.pod())
                            .setStream(event.getStream())
                            .setOpenedUnixNs(event.getTimeUnixNs())
                    : previous.toBuilder();
            summary.setUpdatedUnixNs(event.getTimeUnixNs());
            switch (event.getKindCase()) {
                case OPENED ->
                    summary.setInbound(event.getOpened().getInbound()).setOpenedUnixNs(event.getTimeUnixNs());
                case SAMPLE -> summary.setCounters(event.getSample().getCounters());
                case CLOSED ->
                    summary.setCounters(event.getClosed().getCounters())
                            .setClosed(true)
                            .setCloseReason(event.getClosed().getReason());
                default -> {}
            }
            next = summary.build();
            streams.put(key, next);
            if (streams.size() > capacity) {
                streams.pollFirstEntry(); // the stalest stream
            }
        }
        if (metrics != null) {
            metrics.record(
                    sidecar, event, previous == null ? StreamCounters.getDefaultInstance() : previous.getCounters());
        }
    }

    @Override
    public void droppedBySidecar(SidecarHello sidecar, long events) {
        if (metrics != null) {
            metrics.droppedBySidecar(sidecar, events);
        }
    }

    /** Newest first, at most {@code limit}, optionally only one namespace and/or pod. */
    public synchronized List<StreamSummary> recent(int limit, String namespace, String pod) {
        List<StreamSummary> out = new ArrayList<>();
        for (StreamSummary s : streams.sequencedValues().reversed()) {
            if (out.size() == limit) {
                break;
            }
            if ((namespace.isEmpty() || s.getNamespace().equals(namespace))
                    && (pod.isEmpty() || s.getPod().equals(pod))) {
                out.add(s);
            }
        }
        return out;
    }

    public synchronized int size() {
        return streams.size();
    }
}
