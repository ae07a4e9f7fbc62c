package dev.ferry.control.client;

import static dev.ferry.control.client.PolicyClientTest.waitUntil;
import static dev.ferry.control.client.ScriptedPolicyService.take;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ferry.control.v1.CloseReason;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamClosed;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamOpened;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TelemetryClientTest {

    private static final SidecarHello POD =
            SidecarHello.newBuilder().setPod("web-1").setNamespace("shop").build();

    private final String name = InProcessServerBuilder.generateName();
    private Server server;
    private ManagedChannel channel;
    private TelemetryClient client;

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        channel.shutdownNow();
        server.shutdownNow();
    }

    private ScriptedTelemetryService inProcess(int initialCredit) throws Exception {
        ScriptedTelemetryService service = new ScriptedTelemetryService(initialCredit);
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        if (channel == null) {
            channel = InProcessChannelBuilder.forName(name).build();
        }
        return service;
    }

    private TelemetryClient.Builder clientBuilder() {
        return TelemetryClient.builder(channel, POD)
                .backoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(200), new Random(3)));
    }

    static StreamEvent opened(int remotePort) {
        return StreamEvent.newBuilder()
                .setTimeUnixNs(remotePort)
                .setStream(StreamKey.newBuilder()
                        .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                        .setLocalPort(80)
                        .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 2}))
                        .setRemotePort(remotePort))
                .setOpened(StreamOpened.newBuilder().setInbound(true))
                .build();
    }

    @Test
    void sendsItsIdentityThenNeverMoreEventsThanTheServerGranted() throws Exception {
        ScriptedTelemetryService service = inProcess(5);
        client = clientBuilder().build().start();
        assertThat(take(service.hellos).getPod()).isEqualTo("web-1");
        for (int port = 1; port <= 20; port++) {
            assertThat(client.offer(opened(port))).isTrue();
        }
        waitUntil(() -> service.events.size() == 5);
        waitUntil(() -> client.credit() == 0);
        assertThat(client.queued()).isEqualTo(15);
        assertThat(service.events)
                .extracting(e -> e.getStream().getRemotePort())
                .containsExactly(1, 2, 3, 4, 5);

        service.grant(10);
        waitUntil(() -> service.events.size() == 15);
        assertThat(client.queued()).isEqualTo(5);
        // The server can see a batch before the client has counted it as sent.
        waitUntil(() -> client.sent() == 15);
        assertThat(client.credit()).isZero();
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfBlockingAndReportsTheDrops() throws Exception {
        ScriptedTelemetryService service = inProcess(0);
        client = clientBuilder().queueCapacity(10).build().start();
        take(service.hellos);
        int accepted = 0;
        for (int port = 1; port <= 25; port++) {
            if (client.offer(opened(port))) {
                accepted++;
            }
        }
        assertThat(accepted).isEqualTo(10);
        assertThat(client.dropped()).isEqualTo(15);

        service.grant(100);
        waitUntil(() -> service.events.size() == 10);
        assertThat(service.reportedDrops).hasValue(15);
        assertThat(service.events)
                .extracting(e -> e.getStream().getRemotePort())
                .containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
    }

    @Test
    void keepsQueuedEventsThroughAServerRestart() throws Exception {
        ScriptedTelemetryService first = inProcess(100);
        client = clientBuilder().build().start();
        take(first.hellos);
        client.offer(opened(1));
        waitUntil(() -> first.events.size() == 1);

        server.shutdownNow().awaitTermination();
        client.offer(opened(2));
        client.offer(opened(3));
        ScriptedTelemetryService second = inProcess(100);
        waitUntil(() -> second.events.size() == 2);
        assertThat(second.hellos).isNotEmpty();
        assertThat(second.events).extracting(e -> e.getStream().getRemotePort()).containsExactly(2, 3);
        assertThat(client.streamsOpened()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void deliversOverNettyOnLoopbackInBatches() throws Exception {
        ScriptedTelemetryService service = new ScriptedTelemetryService(10_000);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service)
                .build()
                .start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort())
                .usePlaintext()
                .build();
        client = clientBuilder().maxBatchEvents(100).build().start();
        take(service.hellos);
        for (int i = 0; i < 2_000; i++) {
            client.offer(StreamEvent.newBuilder(opened(i))
                    .setClosed(StreamClosed.newBuilder().setReason(CloseReason.CLOSE_REASON_NORMAL))
                    .build());
        }
        waitUntil(() -> service.events.size() == 2_000);
        waitUntil(() -> client.sent() == 2_000);
        assertThat(client.batchesSent()).isBetween(20L, 2_000L);
        assertThat(client.dropped()).isZero();
    }
}
