package dev.ferry.tcp.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.tcp.conn.TcpConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The blocking adapter on virtual threads against a live shard thread. */
class BlockingStreamTest {
    private final LoopbackShard shard = new LoopbackShard();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final CompletableFuture<BlockingStream> client = new CompletableFuture<>();
    private final CompletableFuture<BlockingStream> server = new CompletableFuture<>();

    @AfterEach
    void stop() throws InterruptedException {
        threads.shutdownNow();
        shard.close();
    }

    private void open(TcpConfig config) {
        shard.open(
                config,
                stream -> client.complete(new BlockingStream(shard.wakeup).bind(stream)),
                stream -> server.complete(new BlockingStream(shard.wakeup).bind(stream)));
    }

    @Test
    void virtualThreadsMoveAStreamBothWaysThroughSmallBuffers() throws Exception {
        // Small buffers: writers block on a full send buffer and readers on an empty one, often.
        open(TcpConfig.builder().sendBufferBytes(8192).receiveBufferBytes(8192).build());
        byte[] upload = pattern(3_000_000, 1);
        byte[] download = pattern(1_000_000, 2);

        var clientWrite = threads.submit(() -> {
            OutputStream out = client.get().outputStream();
            out.write(upload);
            out.close(); // half-close: FIN after the data
            return null;
        });
        var serverRead = threads.submit(() -> readAll(server.get().inputStream()));
        var serverWrite = threads.submit(() -> {
            OutputStream out = server.get().outputStream();
            for (int i = 0; i < download.length; i += 777) {
                out.write(download, i, Math.min(777, download.length - i));
            }
            out.close();
            return null;
        });
        var clientRead = threads.submit(() -> readAll(client.get().inputStream()));

        clientWrite.get(60, TimeUnit.SECONDS);
        serverWrite.get(60, TimeUnit.SECONDS);
        assertThat(serverRead.get(60, TimeUnit.SECONDS)).isEqualTo(upload);
        assertThat(clientRead.get(60, TimeUnit.SECONDS)).isEqualTo(download);
    }

    @Test
    void aReadWaitsForDataAndCanTimeOut() throws Exception {
        open(TcpConfig.defaults());
        BlockingStream serverStream = server.get(10, TimeUnit.SECONDS).readTimeout(100, TimeUnit.MILLISECONDS);
        assertThatThrownBy(() -> serverStream.inputStream().read(new byte[10]))
                .isInstanceOf(SocketTimeoutException.class);

        var read = threads.submit(() -> {
            byte[] buffer = new byte[5];
            int n = server.get().readTimeout(0, TimeUnit.SECONDS).inputStream().readNBytes(buffer, 0, 5);
            return new String(buffer, 0, n, StandardCharsets.US_ASCII);
        });
        Thread.sleep(50);
        assertThat(read.isDone()).isFalse();
        client.get().outputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
        assertThat(read.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    }

    @Test
    void anAbortByThePeerWakesABlockedReaderWithAnError() throws Exception {
        open(TcpConfig.defaults());
        var read = threads.submit(() -> server.get().inputStream().read(new byte[10]));
        Thread.sleep(50);
        client.get(10, TimeUnit.SECONDS).abort();
        assertThatThrownBy(() -> read.get(10, TimeUnit.SECONDS))
                .hasCauseInstanceOf(IOException.class)
                .hasMessageContaining("RESET_BY_PEER");
    }

    @Test
    void writingAfterShutdownFails() throws Exception {
        open(TcpConfig.defaults());
        BlockingStream stream = client.get(10, TimeUnit.SECONDS);
        stream.shutdownOutput();
        assertThatThrownBy(() -> stream.outputStream().write(1)).isInstanceOf(IOException.class);
    }

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[5000];
        int n;
        while ((n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
        }
        return all.toByteArray();
    }

    private static byte[] pattern(int n, int salt) {
        byte[] data = new byte[n];
        for (int i = 0; i < n; i++) {
            data[i] = (byte) (i * 31 + salt + (i >>> 10));
        }
        return data;
    }
}
