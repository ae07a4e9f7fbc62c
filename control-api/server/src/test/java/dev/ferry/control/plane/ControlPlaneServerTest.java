package dev.ferry.control.plane;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ferry.control.client.Backoff;
import dev.ferry.control.client.PolicyClient;
import dev.ferry.control.client.TelemetryClient;
import dev.ferry.control.v1.CloseReason;
import dev.ferry.control.v1.RecentStreamsRequest;
import dev.ferry.control.v1.RecentStreamsResponse;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamClosed;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamOpened;
import dev.ferry.control.v1.StreamViewServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standalone control plane as `ferry control-plane` runs it: Netty and HTTP on loopback. */
class ControlPlaneServerTest {

    private static final SidecarHello WEB = SidecarHello.newBuilder()
            .setPod("web-1")
            .setNamespace("shop")
            .putLabels("app", "web")
            .build();

    @TempDir
    Path dir;

    private ControlPlaneServer server;
    private ManagedChannel channel;
    private PolicyClient policy;
    private TelemetryClient telemetry;
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {policy, telemetry, server}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }
        }
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    private Path policyFile(String maxConnections) throws IOException {
        Path file = dir.resolve("policies.yaml");
        Files.writeString(file, """
                apiVersion: ferry.dev/v1alpha1
                kind: StreamPolicy
                metadata: {name: web, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: web}}
                  ports:
                  - port: 8080
                    maxConnections: %s
                    timeouts: {idle: 5m}
                ---
                apiVersion: ferry.dev/v1alpha1
                kind: StreamPolicy
                metadata: {name: db, namespace: shop}
                spec:
                  podSelector: {matchLabels: {app: db}}
                  ports: [{port: 5432, maxConnections: 20}]
                """.formatted(maxConnections));
        return file;
    }

    private ControlPlaneServer start(int port, Path file) throws IOException {
        return ControlPlaneServer.start(Options.parse(List.of(
                "--standalone",
                "--policy-file",
                file.toString(),
                "--bind",
                "127.0.0.1",
                "--port",
                Integer.toString(port),
                "--http-port",
                "0",
                "--grace-period",
                "1")));
    }

    private ManagedChannel channelTo(int port) {
        return NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + path))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }

    private static long maxConnections(PolicyClient client) {
        return client.current()
                .orElseThrow()
                .policy()
                .getListeners(0)
                .getRules()
                .getMaxConnections();
    }

    @Test
    void servesPoliciesFromTheFileAndPushesItsEdits() throws Exception {
        Path file = policyFile("100");
        server = start(0, file);
        channel = channelTo(server.grpcPort());
        policy = PolicyClient.builder(channel, WEB).build().start();
        Await.until("policy from file", () -> policy.current().isPresent());
        assertThat(maxConnections(policy)).isEqualTo(100);
        assertThat(policy.current().get().policy().getSourcesList()).containsExactly("shop/web");

        policyFile("7");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5))); // coarse mtimes
        Await.until("edit pushed", () -> maxConnections(policy) == 7);

        assertThat(get("/healthz")).isEqualTo("ok\n");
        assertThat(get("/policies")).contains("\"key\":\"shop/web\"").contains("\"accepted\":true");
        HealthCheckResponse health = HealthGrpc.newBlockingStub(channel).check(HealthCheckRequest.getDefaultInstance());
        assertThat(health.getStatus()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void sidecarsKeepTheirPolicyThroughARestartAndReconnect() throws Exception {
        Path file = policyFile("100");
        server = start(0, file);
        int port = server.grpcPort();
        channel = channelTo(port);
        policy = PolicyClient.builder(channel, WEB)
                .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(2)))
                .build()
                .start();
        Await.until("first policy", () -> policy.acksSent() == 1);

        server.close();
        Await.until("stream gone", () -> !policy.connected());
        assertThat(maxConnections(policy))
                .as("last good policy through the outage")
                .isEqualTo(100);

        policyFile("55");
        server = start(port, file);
        Await.until("reconnected and updated", () -> policy.current().isPresent() && maxConnections(policy) == 55);
        assertThat(policy.streamsOpened()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aNackOverNettyKeepsTheLastGoodPolicyAndShowsInThePolicyStatus() throws Exception {
        Path file = policyFile("100");
        server = start(0, file);
        channel = channelTo(server.grpcPort());
        policy = PolicyClient.builder(channel, WEB)
                .check(p -> p.getListeners(0).getRules().getMaxConnections() > 1000
                        ? List.of("this sidecar holds at most 1000 connections")
                        : List.of())
                .build()
                .start();
        Await.until("first policy", () -> policy.acksSent() == 1);

        policyFile("5000");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        Await.until("NACKed", () -> policy.nacksSent() == 1);
        assertThat(maxConnections(policy)).isEqualTo(100);
        Await.until("NACK in the status", () -> {
            try {
                return get("/policies").contains("shop/web-1: this sidecar holds at most 1000 connections");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(get("/policies")).contains("\"nacked\":1");
    }

    @Test
    void telemetryIsQueryableOverHttpAndGrpc() throws Exception {
        server = start(0, policyFile("100"));
        channel = channelTo(server.grpcPort());
        telemetry = TelemetryClient.builder(channel, WEB).build().start();
        StreamKey key = StreamKey.newBuilder()
                .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 5}))
                .setLocalPort(8080)
                .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 9}))
                .setRemotePort(40000)
                .build();
        telemetry.offer(StreamEvent.newBuilder()
                .setTimeUnixNs(1)
                .setStream(key)
                .setOpened(StreamOpened.newBuilder().setInbound(true))
                .build());
        telemetry.offer(StreamEvent.newBuilder()
                .setTimeUnixNs(2)
                .setStream(key)
                .setClosed(StreamClosed.newBuilder()
                        .setReason(CloseReason.CLOSE_REASON_NORMAL)
                        .setCounters(StreamCounters.newBuilder()
                                .setBytesIn(1200)
                                .setBytesOut(64_000)
                                .setSrttUs(180)
                                .setState("CLOSED")))
                .build());
        Await.until("intake got both", () -> server.plane().intake().eventsReceived() == 2);

        RecentStreamsResponse view = StreamViewServiceGrpc.newBlockingStub(channel)
                .recentStreams(
                        RecentStreamsRequest.newBuilder().setNamespace("shop").build());
        assertThat(view.getStreamsList()).singleElement().satisfies(s -> {
            assertThat(s.getPod()).isEqualTo("web-1");
            assertThat(s.getInbound()).isTrue();
            assertThat(s.getClosed()).isTrue();
            assertThat(s.getCloseReason()).isEqualTo(CloseReason.CLOSE_REASON_NORMAL);
            assertThat(s.getCounters().getBytesOut()).isEqualTo(64_000);
        });
        assertThat(view.getEventsReceived()).isEqualTo(2);

        String json = get("/streams?namespace=shop&limit=10");
        assertThat(json)
                .contains("\"pod\": \"web-1\"")
                .contains("\"bytesOut\": \"64000\"")
                .contains("CLOSE_REASON_NORMAL");
        assertThat(get("/streams?namespace=elsewhere")).doesNotContain("web-1");
    }
}
