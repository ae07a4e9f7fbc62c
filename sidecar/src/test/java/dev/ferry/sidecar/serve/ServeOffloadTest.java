package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.NftLoss;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The segmentation and checksum offloads in each combination, as the interface counters show them
 * happening: the kernel peer sending 64 KB GSO super-frames with partial checksums (veth's
 * default) or MSS-sized frames with full checksums; Ferry sending GSO frames through its
 * virtio_net_hdr or ({@code --no-offload}) one MSS per frame.
 */
class ServeOffloadTest {
    private static final int PORT = 7200;
    private static final int BYTES = 4_000_000;
    /** Segments of a 1500-byte MTU with timestamps: 1448 payload bytes. */
    private static final long SEGMENTS = BYTES / 1448;

    private PodNet net;
    private FerryServe server;

    @BeforeEach
    void createNamespaces() {
        net = new PodNet("offload");
    }

    @AfterEach
    void removeNamespaces() {
        if (server != null) server.close();
        net.close();
    }

    /** Echoes BYTES once; returns {client tx packets, client rx packets} it took. */
    private long[] echoCountingPackets(long seed) {
        long tx = net.clientLinkCounter("tx_packets");
        long rx = net.clientLinkCounter("rx_packets");
        KernelClients.Outcome run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 1, BYTES, seed, false);
        assertThat(run.ok()).as("seed %d: %s", seed, run).isTrue();
        assertThat(run.number("bytes")).isEqualTo(BYTES);
        server.awaitFlows(0, Duration.ofSeconds(10));
        return new long[] {net.clientLinkCounter("tx_packets") - tx, net.clientLinkCounter("rx_packets") - rx};
    }

    @Test
    void bothSidesSegmentationOffloaded() {
        server = FerryServe.start(net, PORT, "--mode", "echo");

        long[] packets = echoCountingPackets(21);

        assertThat(packets[0]).as("kernel super-frames sent").isLessThan(SEGMENTS / 2);
        assertThat(packets[1]).as("Ferry GSO frames received by the kernel").isLessThan(SEGMENTS / 2);
    }

    @Test
    void kernelSendsMssFramesWithFullChecksums() {
        net.veth.right().offloads(false, "tso", "gso", "gro", "tx-checksumming");
        server = FerryServe.start(net, PORT, "--mode", "echo");

        long[] packets = echoCountingPackets(22);

        assertThat(packets[0]).as("kernel segments sent").isGreaterThanOrEqualTo(SEGMENTS);
    }

    @Test
    void ferryWithoutOffloadSendsOneSegmentPerFrame() {
        server = FerryServe.start(net, PORT, "--mode", "echo", "--no-offload");

        long[] packets = echoCountingPackets(23);

        assertThat(server.output()).contains("offload off");
        assertThat(packets[1]).as("Ferry segments received by the kernel").isGreaterThanOrEqualTo(SEGMENTS);
    }

    @Test
    void lostSuperFramesInBothDirectionsAreRecovered() {
        server = FerryServe.start(net, PORT, "--mode", "echo");
        KernelClients.Outcome run;
        long dropped;
        try (NftLoss in = NftLoss.install(net.client, NftLoss.Direction.INPUT, 5);
                NftLoss out = NftLoss.install(net.client, NftLoss.Direction.OUTPUT, 5)) {
            run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 2, 2_000_000, 24, false);
            dropped = in.dropped() + out.dropped();
        }

        assertThat(run.ok()).as("seed 24: %s", run).isTrue();
        assertThat(dropped).isPositive();
        server.awaitFlows(0, Duration.ofSeconds(20));
    }
}
