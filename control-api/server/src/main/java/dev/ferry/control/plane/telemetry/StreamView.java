package dev.ferry.control.plane.telemetry;

import dev.ferry.control.v1.RecentStreamsRequest;
import dev.ferry.control.v1.RecentStreamsResponse;
import dev.ferry.control.v1.StreamViewServiceGrpc;
import io.grpc.stub.StreamObserver;

/** Serves the recent-streams view over gRPC (the same data as HTTP {@code /streams}). */
public final class StreamView extends StreamViewServiceGrpc.StreamViewServiceImplBase {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 10_000;

    private final StreamTable table;
    private final TelemetryIntake intake;

    public StreamView(StreamTable table, TelemetryIntake intake) {
        this.table = table;
        this.intake = intake;
    }

    public RecentStreamsResponse query(RecentStreamsRequest request) {
        int limit = request.getLimit() == 0 ? DEFAULT_LIMIT : Math.min(request.getLimit(), MAX_LIMIT);
        return RecentStreamsResponse.newBuilder()
                .addAllStreams(table.recent(limit, request.getNamespace(), request.getPod()))
                .setEventsReceived(intake.eventsReceived())
                .setEventsDropped(intake.eventsDroppedBySidecars())
                .build();
    }

    @Override
    public void recentStreams(RecentStreamsRequest request, StreamObserver<RecentStreamsResponse> response) {
        response.onNext(query(request));
        response.onCompleted();
    }
}
