package dev.ferry.control.plane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ferry.control.client.TelemetryClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamOpened;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** A stalled control plane thins telemetry at the sidecar; it never blocks the sidecar's caller. */
class TelemetryBackpressureTest {

    private static StreamEvent event(int port) {
        return StreamEvent.newBuilder()
                .setStream(StreamKey.newBuilder()
                        .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                        .setLocalPort(80)
                        .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 2}))
                        .setRemotePort(port))
                .setOpened(StreamOpened.getDefaultInstance())
                .build();
    }

    @Test
    void aStalledIntakeStopsGrantingAndTheSidecarDropsAndCountsTheRest() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicLong consumed = new AtomicLong();
        AtomicLong reportedDrops = new AtomicLong();
        EventSink stalled = new EventSink() {
            @Override
            public void accept(SidecarHello sidecar, StreamEvent event) {
                try {
                    release.await(); // the control plane is stuck (GC, slow exporter, ...)
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                consumed.incrementAndGet();
            }

            @Override
            public void droppedBySidecar(SidecarHello sidecar, long events) {
                reportedDrops.addAndGet(events);
            }
        };
        TelemetryIntake intake = new TelemetryIntake(stalled, 10);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(intake)
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
        SidecarHello hello =
                SidecarHello.newBuilder().setPod("p").setNamespace("n").build();
        try (TelemetryClient client = TelemetryClient.builder(channel, hello)
                .queueCapacity(100)
                .maxBatchEvents(4)
                .build()
                .start()) {
            Await.until("initial credit", () -> client.credit() == 10);
            for (int i = 0; i < 10; i++) {
                assertThat(client.offer(event(i))).isTrue();
            }
            Await.until("the window is used up", () -> client.credit() == 0 && client.sent() == 10);

            // The intake is stuck on the first event and grants nothing: offers fill the queue
            // and then drop, each returning at once.
            int accepted = 0;
            for (int i = 10; i < 1_010; i++) {
                if (client.offer(event(i))) {
                    accepted++;
                }
            }
            assertThat(accepted).isEqualTo(100);
            assertThat(client.queued()).isEqualTo(100);
            assertThat(client.dropped()).isEqualTo(900);
            assertThat(client.sent()).as("never beyond the window").isEqualTo(10);
            assertThat(intake.overruns()).isZero();

            release.countDown();
            Await.until("everything queued arrives", () -> consumed.get() == 110);
            assertThat(client.queued()).isZero();
            assertThat(intake.eventsReceived()).isEqualTo(110);
            Await.until("drops reported", () -> reportedDrops.get() == 900);
        } finally {
            channel.shutdownNow();
            server.shutdownNow();
        }
    }
}
