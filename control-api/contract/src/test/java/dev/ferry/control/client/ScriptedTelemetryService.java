package dev.ferry.control.client;

import dev.ferry.control.v1.Credit;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.TelemetryBatch;
import dev.ferry.control.v1.TelemetryServiceGrpc;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/** A telemetry intake that grants exactly the credit the test gives it and records every batch. */
final class ScriptedTelemetryService extends TelemetryServiceGrpc.TelemetryServiceImplBase {

    final BlockingQueue<SidecarHello> hellos = new LinkedBlockingQueue<>();
    final BlockingQueue<StreamEvent> events = new LinkedBlockingQueue<>();
    final AtomicLong reportedDrops = new AtomicLong();
    private final int initialCredit;
    private volatile StreamObserver<Credit> latest;

    ScriptedTelemetryService(int initialCredit) {
        this.initialCredit = initialCredit;
    }

    @Override
    public StreamObserver<TelemetryBatch> report(StreamObserver<Credit> credits) {
        latest = credits;
        if (initialCredit > 0) {
            credits.onNext(Credit.newBuilder().setEvents(initialCredit).build());
        }
        return new StreamObserver<>() {
            @Override
            public void onNext(TelemetryBatch batch) {
                if (batch.hasSidecar()) {
                    hellos.add(batch.getSidecar());
                }
                reportedDrops.addAndGet(batch.getDroppedSinceLastBatch());
                events.addAll(batch.getEventsList());
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {
                credits.onCompleted();
            }
        };
    }

    void grant(int events) {
        latest.onNext(Credit.newBuilder().setEvents(events).build());
    }
}
