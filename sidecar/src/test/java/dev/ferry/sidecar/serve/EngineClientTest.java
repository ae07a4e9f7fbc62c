package dev.ferry.sidecar.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.testkit.ManagedProcess;
import dev.ferry.testkit.NftLoss;
import dev.ferry.testkit.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as the CLIENT, over real rings, against servers on the kernel's TCP in the client
 * namespace: Python's http.server (download) and an echo server (upload and download at once).
 */
class EngineClientTest {
    private static final int HTTP_PORT = 8000;
    private static final int ECHO_PORT = 9000;
    private static final int FILE_BYTES = 5_000_000;
    private static final Duration TRANSFER_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    static Path www;

    private static PodNet net;
    private static ManagedProcess httpServer;
    private static ManagedProcess echoServer;
    private static byte[] file;

    private EngineClient engine;

    @BeforeAll
    static void startKernelServers() throws IOException {
        Tools.require(KernelClients.PYTHON);
        net = new PodNet("client");
        file = randomBytes(FILE_BYTES, 31);
        Files.write(www.resolve("file.bin"), file);
        httpServer = ManagedProcess.builder(
                        KernelClients.PYTHON,
                        "-m",
                        "http.server",
                        Integer.toString(HTTP_PORT),
                        "--bind",
                        PodNet.CLIENT_V4,
                        "--directory",
                        www.toString())
                .in(net.client)
                .label("python-http-server")
                .start();
        echoServer = ManagedProcess.builder(KernelClients.echoServer(PodNet.CLIENT_V4, ECHO_PORT))
                .in(net.client)
                .label("python-echo-server")
                .start();
        httpServer.awaitListening(HTTP_PORT, Duration.ofSeconds(20));
        echoServer.awaitListening(ECHO_PORT, Duration.ofSeconds(20));
    }

    @AfterAll
    static void stopKernelServers() {
        if (httpServer != null) httpServer.close();
        if (echoServer != null) echoServer.close();
        if (net != null) net.close();
    }

    @BeforeEach
    void openEngine() {
        engine = new EngineClient(net);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void downloadsAFileFromPythonsHttpServer() {
        ClientStreams.HttpGet get = new ClientStreams.HttpGet(PodNet.CLIENT_V4, "/file.bin");
        engine.connect(PodNet.CLIENT_V4, HTTP_PORT, get);

        runUntil(get::done, TRANSFER_TIMEOUT, get::progress);

        assertThat(get.head()).startsWith("HTTP/1.0 200 OK").contains("Content-Length: " + FILE_BYTES);
        assertThat(ClientStreams.sha256(get.body())).isEqualTo(ClientStreams.sha256(file));
        assertThat(get.closed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void uploadsAndReadsBackFiveMegabytesThroughAnEchoServer() {
        ClientStreams.Upload upload = new ClientStreams.Upload(file);
        engine.connect(PodNet.CLIENT_V4, ECHO_PORT, upload);

        runUntil(upload::done, TRANSFER_TIMEOUT, upload::progress);

        assertThat(upload.received.size()).isEqualTo(FILE_BYTES);
        assertThat(ClientStreams.sha256(upload.received.toByteArray())).isEqualTo(ClientStreams.sha256(file));
        assertThat(upload.closed).isEqualTo(CloseReason.NORMAL);
    }

    @Test
    void fiftyConnectionsAtOnceEachGetTheirOwnBytesBack() {
        ManagedProcess dump = ManagedProcess.builder(
                        "tcpdump", "-i", "veth1", "-n", "-w", "/tmp/fifty.pcap", "-s", "128")
                .in(net.client)
                .start();
        try {
            Thread.sleep(1000);
        } catch (InterruptedException e) {
        }
        List<ClientStreams.Upload> uploads = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            ClientStreams.Upload u = new ClientStreams.Upload(randomBytes(100_000, 1000 + i));
            uploads.add(u);
            engine.connect(PodNet.CLIENT_V4, ECHO_PORT, u);
        }

        runUntil(
                () -> uploads.stream().allMatch(ClientStreams.Recording::done),
                TRANSFER_TIMEOUT,
                () -> uploads.stream()
                        .filter(u -> !u.done())
                        .map(ClientStreams.Upload::progress)
                        .toList()
                        .toString());

        for (ClientStreams.Upload u : uploads) {
            assertThat(u.closed).as(u.progress()).isEqualTo(CloseReason.NORMAL);
            assertThat(ClientStreams.sha256(u.received.toByteArray())).isEqualTo(ClientStreams.sha256(u.data()));
        }
    }

    @Test
    void aTransferThroughLossBothWaysIsIntact() {
        byte[] data = randomBytes(1_000_000, 32);
        ClientStreams.Upload upload = new ClientStreams.Upload(data);
        long dropped;
        try (NftLoss in = NftLoss.install(net.client, NftLoss.Direction.INPUT, 5);
                NftLoss out = NftLoss.install(net.client, NftLoss.Direction.OUTPUT, 5)) {
            engine.connect(PodNet.CLIENT_V4, ECHO_PORT, upload);
            runUntil(upload::done, Duration.ofSeconds(60), upload::progress);
            dropped = in.dropped() + out.dropped();
        }

        assertThat(upload.closed).as(upload.progress()).isEqualTo(CloseReason.NORMAL);
        assertThat(ClientStreams.sha256(upload.received.toByteArray())).isEqualTo(ClientStreams.sha256(data));
        assertThat(dropped).isPositive();
    }

    @Test
    void aPortWithNoServerRefusesTheConnection() {
        ClientStreams.HttpGet get = new ClientStreams.HttpGet(PodNet.CLIENT_V4, "/");
        engine.connect(PodNet.CLIENT_V4, 9, get);

        runUntil(get::done, Duration.ofSeconds(10), get::progress);

        assertThat(get.closed).isEqualTo(CloseReason.REFUSED);
    }

    /** {@link EngineClient#runUntil}, adding the kernel peer's view to a failure. */
    private void runUntil(
            java.util.function.BooleanSupplier done, Duration timeout, java.util.function.Supplier<String> progress) {
        try {
            engine.runUntil(done, timeout, progress);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nkernel peer sockets:\n"
                    + net.inClient("ss", "-tanoi").stdout() + "\nkernel peer counters:\n"
                    + net.inClient("nstat", "-az")
                            .stdout()
                            .lines()
                            .filter(l -> !l.matches("^\\S+\\s+0\\s.*"))
                            .collect(java.util.stream.Collectors.joining("\n")));
        }
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new SplittableRandom(seed).nextBytes(data);
        return data;
    }
}
