package dev.ferry.control.plane.telemetry;

import dev.ferry.control.v1.Credit;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.TelemetryBatch;
import dev.ferry.control.v1.TelemetryServiceGrpc;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Receives telemetry batches and grants credit back as it consumes them.
 *
 * <p>Each stream starts with {@code window} events of credit; after a batch has been handed to
 * the sink, its event count is granted again. Credit therefore tracks consumption: if the sink
 * (metrics, the stream table) is slow, grants slow down and sidecars hold or drop events on their
 * side, never the data path and never this process's memory. A sidecar that sends beyond its
 * credit is cut off.
 */
public final class TelemetryIntake extends TelemetryServiceGrpc.TelemetryServiceImplBase {

    private final EventSink sink;
    private final int window;
    private final AtomicLong eventsReceived = new AtomicLong();
    private final AtomicLong eventsDroppedBySidecars = new AtomicLong();
    private final AtomicLong overruns = new AtomicLong();

    public TelemetryIntake(EventSink sink, int window) {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        this.sink = sink;
        this.window = window;
    }

    @Override
    public StreamObserver<TelemetryBatch> report(StreamObserver<Credit> credits) {
        credits.onNext(Credit.newBuilder().setEvents(window).build());
        return new StreamObserver<>() {
            private SidecarHello sidecar;
            private long outstanding = window;

            @Override
            public void onNext(TelemetryBatch batch) {
                if (batch.hasSidecar()) {
                    sidecar = batch.getSidecar();
                }
                if (sidecar == null) {
                    credits.onError(Status.FAILED_PRECONDITION
                            .withDescription("the first batch must identify the sidecar")
                            .asRuntimeException());
                    return;
                }
                int count = batch.getEventsCount();
                outstanding -= count;
                if (outstanding < 0) {
                    overruns.incrementAndGet();
                    credits.onError(Status.RESOURCE_EXHAUSTED
                            .withDescription("sent beyond the granted credit")
                            .asRuntimeException());
                    return;
                }
                if (batch.getDroppedSinceLastBatch() > 0) {
                    eventsDroppedBySidecars.addAndGet(batch.getDroppedSinceLastBatch());
                    sink.droppedBySidecar(sidecar, batch.getDroppedSinceLastBatch());
                }
                for (StreamEvent event : batch.getEventsList()) {
                    sink.accept(sidecar, event);
                }
                eventsReceived.addAndGet(count);
                if (count > 0) {
                    outstanding += count;
                    credits.onNext(Credit.newBuilder().setEvents(count).build());
                }
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                credits.onCompleted();
            }
        };
    }

    public long eventsReceived() {
        return eventsReceived.get();
    }

    public long eventsDroppedBySidecars() {
        return eventsDroppedBySidecars.get();
    }

    /** Streams cut off for sending beyond their credit. */
    public long overruns() {
        return overruns.get();
    }
}
