package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Cmd;
import dev.ferry.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry serve --mode echo} against the Linux kernel's TCP in the client namespace: every byte
 * a kernel client sends comes back, in order, however the client uses its socket.
 */
class ServeEchoTest {
    private static final int PORT = 7000;
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static PodNet net;
    private static FerryServe server;

    @BeforeAll
    static void startServer() {
        net = new PodNet("echo");
        server = FerryServe.start(net, PORT, "--mode", "echo");
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.close();
        if (net != null) net.close();
    }

    @AfterEach
    void everyConnectionIsGoneAfterwards() {
        // The client closes first (or resets), so the server keeps no TIME_WAIT: it must forget all.
        server.awaitFlows(0, SETTLE);
    }

    @Test
    void eightMegabytesComeBackIntact() {
        KernelClients.Outcome run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 1, 8_000_000, 11, false);

        assertThat(run.ok()).as("%s", run).isTrue();
        assertThat(run.number("bytes")).isEqualTo(8_000_000);
    }

    @Test
    void threeHundredConcurrentConnectionsAreEachEchoedIntact() {
        KernelClients.Outcome run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 300, 20_000, 12, false);

        assertThat(run.bad()).as("%s", run).isEmpty();
        assertThat(run.ok()).as("%s", run).isTrue();
        assertThat(run.number("ok")).isEqualTo(300);
    }

    @Test
    void aHalfClosedClientStillReadsEverythingUntilEndOfStream() {
        // Each client sends 2 MB, shuts down its write side, and must then read all 2 MB and a FIN.
        KernelClients.Outcome run = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 3, 2_000_000, 13, true);

        assertThat(run.ok()).as("%s", run).isTrue();
        assertThat(run.number("bytes")).isEqualTo(6_000_000);
    }

    @Test
    void socatAndNetcatGetBackAFileTheyHalfClose(@TempDir Path dir) throws IOException {
        Tools.require("socat", "nc", "sh");
        Path in = randomFile(dir.resolve("in.bin"), 5_000_000, 14);
        Path viaSocat = dir.resolve("socat.bin");
        Path viaNc = dir.resolve("nc.bin");
        String target = PodNet.POD_V4 + ":" + PORT;

        // socat half-closes at the end of its input and waits up to -t seconds for the rest.
        Cmd.Result socat = net.inClient("sh", "-c", "socat -t 30 - TCP:" + target + " < " + in + " > " + viaSocat);
        // nc -N: shutdown(SHUT_WR) after the end of its input, then read until the server's FIN.
        Cmd.Result nc = net.inClient("sh", "-c", "nc -N " + PodNet.POD_V4 + " " + PORT + " < " + in + " > " + viaNc);

        assertThat(socat.ok()).as(socat.describe()).isTrue();
        assertThat(nc.ok()).as(nc.describe()).isTrue();
        assertThat(sha256(viaSocat)).isEqualTo(sha256(in));
        assertThat(sha256(viaNc)).isEqualTo(sha256(in));
    }

    @Test
    void clientsThatResetLeaveNoConnectionBehind() {
        // Each client sends 300 KB and resets at once, while the server is still echoing them.
        KernelClients.Outcome resets = KernelClients.reset(net.client, PodNet.POD_V4, PORT, 20, 300_000);
        assertThat(resets.ok()).as("%s", resets).isTrue();

        server.awaitFlows(0, SETTLE);
        KernelClients.Outcome after = KernelClients.echo(net.client, PodNet.POD_V4, PORT, 1, 100_000, 15, false);
        assertThat(after.ok())
                .as("the server still serves after the resets: %s", after)
                .isTrue();
    }

    static Path randomFile(Path file, int bytes, long seed) throws IOException {
        byte[] data = new byte[bytes];
        new SplittableRandom(seed).nextBytes(data);
        return Files.write(file, data);
    }

    static String sha256(Path file) throws IOException {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
