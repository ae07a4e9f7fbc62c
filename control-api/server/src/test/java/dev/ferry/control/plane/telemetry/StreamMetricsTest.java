package dev.ferry.control.plane.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.ferry.control.v1.CloseReason;
import dev.ferry.control.v1.SidecarHello;
import dev.ferry.control.v1.StreamClosed;
import dev.ferry.control.v1.StreamCounters;
import dev.ferry.control.v1.StreamEvent;
import dev.ferry.control.v1.StreamKey;
import dev.ferry.control.v1.StreamOpened;
import dev.ferry.control.v1.StreamSample;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import java.util.Collection;
import org.junit.jupiter.api.Test;

class StreamMetricsTest {

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private final SdkMeterProvider provider =
            SdkMeterProvider.builder().registerMetricReader(reader).build();
    private final StreamTable table = new StreamTable(3, new StreamMetrics(provider.get("test")));
    private final SidecarHello pod =
            SidecarHello.newBuilder().setNamespace("shop").setPod("web-1").build();

    private static StreamKey key(int port) {
        return StreamKey.newBuilder()
                .setLocalAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 1}))
                .setLocalPort(80)
                .setRemoteAddress(ByteString.copyFrom(new byte[] {10, 0, 0, 2}))
                .setRemotePort(port)
                .build();
    }

    private static StreamEvent sample(int port, long time, long bytesIn, long retransmits) {
        return StreamEvent.newBuilder()
                .setTimeUnixNs(time)
                .setStream(key(port))
                .setSample(StreamSample.newBuilder()
                        .setCounters(StreamCounters.newBuilder()
                                .setBytesIn(bytesIn)
                                .setRetransmits(retransmits)
                                .setSrttUs(2500)))
                .build();
    }

    private long sum(String name, Attributes attributes) {
        Collection<MetricData> metrics = reader.collectAllMetrics();
        return metrics.stream()
                .filter(m -> m.getName().equals(name))
                .flatMap(m -> m.getLongSumData().getPoints().stream())
                .filter(p -> p.getAttributes().equals(attributes))
                .mapToLong(LongPointData::getValue)
                .sum();
    }

    @Test
    void cumulativeStreamCountersBecomeMetricIncrements() {
        table.accept(
                pod,
                StreamEvent.newBuilder()
                        .setTimeUnixNs(1)
                        .setStream(key(1))
                        .setOpened(StreamOpened.newBuilder().setInbound(true))
                        .build());
        table.accept(pod, sample(1, 2, 1000, 1));
        table.accept(pod, sample(1, 3, 1500, 1));
        table.accept(
                pod,
                StreamEvent.newBuilder()
                        .setTimeUnixNs(4)
                        .setStream(key(1))
                        .setClosed(StreamClosed.newBuilder()
                                .setReason(CloseReason.CLOSE_REASON_IDLE_TIMEOUT)
                                .setCounters(StreamCounters.newBuilder()
                                        .setBytesIn(4000)
                                        .setRetransmits(3)))
                        .build());

        Attributes ns = Attributes.of(StreamMetrics.NAMESPACE, "shop");
        assertThat(sum(
                        "ferry.stream.bytes",
                        Attributes.of(StreamMetrics.NAMESPACE, "shop", StreamMetrics.DIRECTION, "in")))
                .as("the last cumulative value, not the sum of samples")
                .isEqualTo(4000);
        assertThat(sum("ferry.stream.retransmits", ns)).isEqualTo(3);
        assertThat(sum(
                        "ferry.streams.opened",
                        Attributes.of(StreamMetrics.NAMESPACE, "shop", StreamMetrics.DIRECTION, "inbound")))
                .isEqualTo(1);
        assertThat(sum(
                        "ferry.streams.closed",
                        Attributes.of(StreamMetrics.NAMESPACE, "shop", StreamMetrics.REASON, "idle_timeout")))
                .isEqualTo(1);
        assertThat(sum("ferry.telemetry.events", ns)).isEqualTo(4);
    }

    @Test
    void theRecentViewIsBoundedAndNewestFirst() {
        for (int port = 1; port <= 5; port++) {
            table.accept(pod, sample(port, port, 10, 0));
        }
        table.accept(pod, sample(3, 9, 20, 0)); // stream 3 updated last
        assertThat(table.size()).isEqualTo(3);
        assertThat(table.recent(10, "", ""))
                .extracting(s -> s.getStream().getRemotePort())
                .containsExactly(3, 5, 4);
        assertThat(table.recent(1, "shop", "web-1")).hasSize(1);
        assertThat(table.recent(10, "other", "")).isEmpty();
    }
}
