package dev.ferry.control.plane;

import dev.ferry.control.plane.policy.PolicyDistributor;
import dev.ferry.control.plane.policy.PolicyReport;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Collapses bursts of status changes (a thousand ACKs after one push) into one publication per
 * {@code delayMs}: status writes to the API server are not free.
 */
final class StatusPublisher {
    private final PolicyDistributor distributor;
    private final Consumer<List<PolicyReport>> sink;
    private final ScheduledExecutorService scheduler;
    private final long delayMs;
    private final AtomicBoolean pending = new AtomicBoolean();

    StatusPublisher(
            PolicyDistributor distributor,
            Consumer<List<PolicyReport>> sink,
            ScheduledExecutorService scheduler,
            long delayMs) {
        this.distributor = distributor;
        this.sink = sink;
        this.scheduler = scheduler;
        this.delayMs = delayMs;
    }

    void changed() {
        if (pending.compareAndSet(false, true)) {
            scheduler.schedule(this::publish, delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void publish() {
        pending.set(false);
        try {
            sink.accept(distributor.reports());
        } catch (RuntimeException e) {
            System.getLogger(StatusPublisher.class.getName())
                    .log(System.Logger.Level.WARNING, "publishing policy status failed; will retry on next change", e);
        }
    }
}
