package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.NftLoss;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Echo transfers through random packet loss (nftables in the client namespace, where the ring
 * cannot see past it): every byte still arrives, in order, and every connection ends.
 *
 * <p>Offloads are off on both sides, so every packet is one MSS-sized segment and "N% loss" means
 * N% of segments (with offloads on, one lost packet is a whole 64 KB super-frame; {@link
 * ServeOffloadTest} covers that).
 */
class ServeLossTest {
    private static final int PORT = 7100;
    private static final int CONNECTIONS = 2;
    private static final int BYTES = 1_000_000;
    private static PodNet net;
    private static FerryServe server;

    @BeforeAll
    static void startServer() {
        net = new PodNet("loss");
        net.veth.right().offloads(false, "tso", "gso", "gro", "tx-checksumming");
        server = FerryServe.start(net, PORT, "--mode", "echo", "--no-offload");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        if (net != null) net.close();
    }

    @ParameterizedTest(name = "{1}% of the segments the client {0}")
    @CsvSource({"INPUT, 1", "INPUT, 5", "INPUT, 10", "OUTPUT, 1", "OUTPUT, 5", "OUTPUT, 10"})
    void everyTransferIsIntact(NftLoss.Direction direction, int percent) {
        long seed = direction.ordinal() * 100L + percent;
        long dropped;
        KernelClients.Outcome run;
        try (NftLoss loss = NftLoss.install(net.client, direction, percent)) {
            run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, CONNECTIONS, BYTES, seed, false);
            dropped = loss.dropped();
        }

        assertThat(run.bad()).as("seed %d: %s", seed, run).isEmpty();
        assertThat(run.ok()).as("seed %d: %s", seed, run).isTrue();
        assertThat(run.number("bytes")).isEqualTo((long) CONNECTIONS * BYTES);
        // ~1,400 segments each way: even 1% loses some, or the test proved nothing.
        assertThat(dropped).as("packets the loss rule dropped").isPositive();
        server.awaitFlows(0, Duration.ofSeconds(20));
    }
}
