package dev.ferry.control.plane;

import dev.ferry.control.plane.policy.PodDirectory;
import dev.ferry.control.plane.policy.PolicyDistributor;
import dev.ferry.control.plane.policy.PolicyReport;
import dev.ferry.control.plane.policy.PolicyStore;
import dev.ferry.control.plane.telemetry.StreamMetrics;
import dev.ferry.control.plane.telemetry.StreamTable;
import dev.ferry.control.plane.telemetry.StreamView;
import dev.ferry.control.plane.telemetry.TelemetryIntake;
import io.grpc.ServerBuilder;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.protobuf.services.HealthStatusManager;
import io.opentelemetry.api.metrics.Meter;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The control plane's parts, wired: policy store and distribution, telemetry intake and the
 * recent-streams view, health. Transport-free: {@link #bind} adds the services to any
 * {@link ServerBuilder}, so tests use the in-process transport and {@code Main} uses Netty.
 *
 * <p>Policy recomputation runs on one thread ({@code ferry-control}): changes from informers or
 * the policy file only mark work, bursts collapse into one pass over all sidecars.
 */
public final class ControlPlane implements AutoCloseable {

    /** Options with defaults that suit a cluster of a few thousand pods. */
    public record Settings(int recentStreams, int telemetryWindow, long statusDelayMs) {
        public static Settings defaults() {
            return new Settings(100_000, 4_096, 200);
        }
    }

    private final PolicyStore store = new PolicyStore();
    private final PolicyDistributor distributor;
    private final StreamTable streams;
    private final TelemetryIntake intake;
    private final StreamView view;
    private final HealthStatusManager health = new HealthStatusManager();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ferry-control").factory());
    private final AtomicBoolean refreshPending = new AtomicBoolean();
    private final StatusPublisher status;

    public ControlPlane(PodDirectory pods, Meter meter, Consumer<List<PolicyReport>> statusSink, Settings settings) {
        this.distributor = new PolicyDistributor(store, pods);
        this.streams = new StreamTable(settings.recentStreams(), new StreamMetrics(meter));
        this.intake = new TelemetryIntake(streams, settings.telemetryWindow());
        this.view = new StreamView(streams, intake);
        this.status = new StatusPublisher(distributor, statusSink, worker, settings.statusDelayMs());
        distributor.onStatusChange(status::changed);
    }

    /** Asks for a status publication soon (e.g. a policy's verdict changed with no sidecar involved). */
    public void statusChanged() {
        status.changed();
    }

    /** Adds every service (policy, telemetry, stream view, health) to {@code server}. */
    public <T extends ServerBuilder<T>> T bind(T server) {
        return server.addService(distributor)
                .addService(intake)
                .addService(view)
                .addService(health.getHealthService());
    }

    /** Marks the policies as changed; every sidecar's effective policy is recomputed soon after. */
    public void policiesChanged() {
        if (refreshPending.compareAndSet(false, true)) {
            worker.execute(() -> {
                refreshPending.set(false);
                distributor.refreshAll();
                status.changed();
            });
        }
    }

    public void serving(boolean serving) {
        health.setStatus("", serving ? ServingStatus.SERVING : ServingStatus.NOT_SERVING);
    }

    public PolicyStore store() {
        return store;
    }

    public PolicyDistributor distributor() {
        return distributor;
    }

    public StreamTable streams() {
        return streams;
    }

    public TelemetryIntake intake() {
        return intake;
    }

    public StreamView view() {
        return view;
    }

    /** Stops serving: health goes NOT_SERVING, policy streams end (sidecars keep their policy). */
    @Override
    public void close() {
        serving(false);
        health.enterTerminalState();
        distributor.closeAll();
        worker.shutdown();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
