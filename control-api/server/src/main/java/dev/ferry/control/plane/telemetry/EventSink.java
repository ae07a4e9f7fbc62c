package dev.ferry.control.plane.telemetry;

import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;

/** Consumes stream events of one sidecar. Called on gRPC threads, one batch at a time per sidecar. */
public interface EventSink {
    void accept(SidecarHello sidecar, StreamEvent event);

    /** Events the sidecar reports it dropped before sending. */
    default void droppedBySidecar(SidecarHello sidecar, long events) {}
}
