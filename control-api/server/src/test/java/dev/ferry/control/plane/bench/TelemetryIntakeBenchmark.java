package dev.ferry.control.plane.bench;

import com.google.protobuf.ByteString;
import dev.ferry.control.client.TelemetryClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlane;
import dev.ferry.control.plane.policy.PodDirectory;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamSample;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/**
 * Telemetry intake: events per second the control plane consumes (stream table + OpenTelemetry
 * aggregation) from several sidecars over gRPC/Netty on loopback, each sidecar offering stream
 * samples as fast as its caller can. Sidecar-side drops are reported too: they show where the
 * flow control kicked in.
 *
 * <p>Run on demand: {@code ./mvnw -q -pl control-api/server -am verify
 * -Dtest=TelemetryIntakeBenchmark -Dsurefire.failIfNoSpecifiedTests=false
 * -Dferry.bench.sidecars=4 -Dferry.bench.seconds=10}
 */
class TelemetryIntakeBenchmark {

    @Test
    void intake() throws Exception {
        int sidecars = Integer.getInteger("ferry.bench.sidecars", 4);
        int seconds = Integer.getInteger("ferry.bench.seconds", 10);
        InMemoryMetricReader reader = InMemoryMetricReader.create();
        SdkMeterProvider meters =
                SdkMeterProvider.builder().registerMetricReader(reader).build();
        ControlPlane plane = new ControlPlane(
                PodDirectory.TRUST_SIDECAR, meters.get("bench"), r -> {}, ControlPlane.Settings.defaults());
        Server server = plane.bind(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .build()
                .start();
        ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
        List<TelemetryClient> clients = new ArrayList<>();
        List<Thread> producers = new ArrayList<>();
        long[] offered = new long[sidecars];
        try {
            for (int s = 0; s < sidecars; s++) {
                SidecarHello hello = SidecarHello.newBuilder()
                        .setPod("web-" + s)
                        .setNamespace("shop")
                        .build();
                TelemetryClient client =
                        TelemetryClient.builder(channel, hello).build().start();
                clients.add(client);
            }
            Await.until("credit granted", () -> clients.stream().allMatch(c -> c.credit() > 0));
            long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds + 2);
            for (int s = 0; s < sidecars; s++) {
                int id = s;
                TelemetryClient client = clients.get(s);
                producers.add(Thread.ofPlatform().start(() -> {
                    StreamEvent[] events = events(id);
                    long n = 0;
                    while (System.nanoTime() < endNs) {
                        if (!client.offer(events[(int) (n % events.length)])) {
                            // A sidecar drops and goes on with its real work; here that work is
                            // a pause, so producers do not starve the intake of the 2 cores.
                            LockSupport.parkNanos(200_000);
                        }
                        n++;
                    }
                    offered[id] = n;
                }));
            }
            Thread.sleep(2_000); // warm-up
            long startEvents = plane.intake().eventsReceived();
            long startNs = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long events = plane.intake().eventsReceived() - startEvents;
            double elapsedS = (System.nanoTime() - startNs) / 1e9;
            for (Thread t : producers) {
                t.join();
            }
            long dropped = clients.stream().mapToLong(TelemetryClient::dropped).sum();
            long totalOffered = java.util.Arrays.stream(offered).sum();
            reader.collectAllMetrics();
            System.out.printf(
                    Locale.ROOT,
                    "telemetry intake, %d sidecars over Netty loopback, %d s: %.0f events/s consumed"
                            + " (offered %d in total, %d dropped at the sidecars = %.1f%%, streams in view %d)%n",
                    sidecars,
                    seconds,
                    events / elapsedS,
                    totalOffered,
                    dropped,
                    100.0 * dropped / Math.max(1, totalOffered),
                    plane.streams().size());
        } finally {
            clients.forEach(TelemetryClient::close);
            plane.close();
            channel.shutdownNow();
            server.shutdownNow();
            meters.close();
        }
    }

    /** Samples of 500 streams of one sidecar, with growing counters. */
    private static StreamEvent[] events(int sidecar) {
        StreamEvent[] events = new StreamEvent[500];
        for (int i = 0; i < events.length; i++) {
            events[i] = StreamEvent.newBuilder()
                    .setTimeUnixNs(i)
                    .setStream(StreamKey.newBuilder()
                            .setLocalAddress(ByteString.copyFrom(new byte[] {10, 1, (byte) sidecar, 1}))
                            .setLocalPort(8080)
                            .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 2, (byte) (i >> 8), (byte) i}))
                            .setRemotePort(30000 + i))
                    .setSample(StreamSample.newBuilder()
                            .setCounters(StreamCounters.newBuilder()
                                    .setBytesIn(1000L * i)
                                    .setBytesOut(5000L * i)
                                    .setSegmentsIn(i)
                                    .setSegmentsOut(4L * i)
                                    .setSrttUs(250)
                                    .setRttvarUs(50)
                                    .setMinRttUs(180)
                                    .setCwndBytes(14600)
                                    .setState("ESTABLISHED")))
                    .build();
        }
        return events;
    }
}
