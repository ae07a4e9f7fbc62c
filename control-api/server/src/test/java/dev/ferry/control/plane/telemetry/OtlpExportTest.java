package dev.ferry.control.plane.telemetry;

import com.google.protobuf.ByteString;
import dev.ferry.control.client.TelemetryClient;
import dev.ferry.control.plane.Await;
import dev.ferry.control.plane.ControlPlaneServer;
import dev.ferry.control.plane.Options;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamOpened;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.collector.metrics.v1.MetricsServiceGrpc;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stream telemetry leaves the control plane as OTLP/gRPC metrics, here to a fake collector on loopback. */
class OtlpExportTest {

    @TempDir
    Path dir;

    @Test
    void streamEventsReachAnOtlpCollectorAsMetrics() throws Exception {
        List<Metric> received = new CopyOnWriteArrayList<>();
        Server collector = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new MetricsServiceGrpc.MetricsServiceImplBase() {
                    @Override
                    public void export(
                            ExportMetricsServiceRequest request,
                            StreamObserver<ExportMetricsServiceResponse> response) {
                        request.getResourceMetricsList()
                                .forEach(rm ->
                                        rm.getScopeMetricsList().forEach(sm -> received.addAll(sm.getMetricsList())));
                        response.onNext(ExportMetricsServiceResponse.getDefaultInstance());
                        response.onCompleted();
                    }
                })
                .build()
                .start();
        Path policies = dir.resolve("none.yaml");
        Files.writeString(policies, "");
        try (ControlPlaneServer plane = ControlPlaneServer.start(Options.parse(List.of(
                "--standalone",
                "--policy-file",
                policies.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                "0",
                "--http-port",
                "-1",
                "--grace-period",
                "1",
                "--otlp-endpoint",
                "http://127.0.0.1:" + collector.getPort(),
                "--otlp-interval-ms",
                "200")))) {
            ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", plane.grpcPort())
                    .usePlaintext()
                    .build();
            SidecarHello hello = SidecarHello.newBuilder()
                    .setPod("web-1")
                    .setNamespace("shop")
                    .build();
            try (TelemetryClient client =
                    TelemetryClient.builder(channel, hello).build().start()) {
                for (int port = 1; port <= 3; port++) {
                    client.offer(StreamEvent.newBuilder()
                            .setStream(StreamKey.newBuilder()
                                    .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                                    .setLocalPort(80)
                                    .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 2}))
                                    .setRemotePort(port))
                            .setOpened(StreamOpened.newBuilder().setInbound(true))
                            .build());
                }
                Await.until(
                        "3 opened streams exported",
                        () -> received.stream()
                                .filter(m -> m.getName().equals("ferry.streams.opened"))
                                .anyMatch(m -> m.getSum().getDataPointsList().stream()
                                        .anyMatch(p -> p.getAsInt() == 3
                                                && p.getAttributesList().stream()
                                                        .anyMatch(
                                                                a -> a.getKey().equals("k8s.namespace.name")
                                                                        && a.getValue()
                                                                                .getStringValue()
                                                                                .equals("shop")))));
            } finally {
                channel.shutdownNow();
            }
        } finally {
            collector.shutdownNow();
        }
    }
}
