package dev.ferry.bench.control;

import com.google.protobuf.ByteString;
import dev.ferry.control.client.TelemetryClient;
import dev.ferry.control.v1.Credit;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamSample;
import dev.ferry.control.v1.TelemetryBatch;
import dev.ferry.control.v1.TelemetryServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What {@link TelemetryClient#offer} costs the sidecar thread that calls it, while the client
 * ships to an in-process intake that consumes and re-grants as fast as it can ("draining") or
 * grants nothing ("stalled": every offer after the queue fills is a counted drop).
 *
 * <p>Run: {@code java -jar bench/target/benchmarks.jar TelemetryOffer}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TelemetryOfferBenchmark {

    @Param({"draining", "stalled"})
    public String intake;

    private Server server;
    private ManagedChannel channel;
    private TelemetryClient client;
    private StreamEvent event;

    @Setup(Level.Trial)
    public void start() throws IOException {
        String name = InProcessServerBuilder.generateName();
        boolean grants = intake.equals("draining");
        server = InProcessServerBuilder.forName(name)
                .addService(new TelemetryServiceGrpc.TelemetryServiceImplBase() {
                    @Override
                    public StreamObserver<TelemetryBatch> report(StreamObserver<Credit> credits) {
                        if (grants) {
                            credits.onNext(Credit.newBuilder().setEvents(4096).build());
                        }
                        return new StreamObserver<>() {
                            @Override
                            public void onNext(TelemetryBatch batch) {
                                if (grants && batch.getEventsCount() > 0) {
                                    credits.onNext(Credit.newBuilder()
                                            .setEvents(batch.getEventsCount())
                                            .build());
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
                })
                .build()
                .start();
        channel = InProcessChannelBuilder.forName(name).build();
        client = TelemetryClient.builder(
                        channel,
                        SidecarHello.newBuilder().setPod("p").setNamespace("n").build())
                .build()
                .start();
        event = StreamEvent.newBuilder()
                .setStream(StreamKey.newBuilder()
                        .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                        .setLocalPort(8080)
                        .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 2}))
                        .setRemotePort(40000))
                .setSample(StreamSample.newBuilder()
                        .setCounters(
                                StreamCounters.newBuilder().setBytesIn(1000).setSrttUs(250)))
                .build();
    }

    @TearDown(Level.Trial)
    public void stop() {
        System.out.printf(
                "%n[%s] sent %d, dropped %d (%.1f%%)%n",
                intake,
                client.sent(),
                client.dropped(),
                100.0 * client.dropped() / Math.max(1, client.sent() + client.dropped()));
        client.close();
        channel.shutdownNow();
        server.shutdownNow();
    }

    @Benchmark
    public boolean offer() {
        return client.offer(event);
    }
}
