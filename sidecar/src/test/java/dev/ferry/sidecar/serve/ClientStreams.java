package dev.ferry.sidecar.serve;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Stream handlers that play a client's part on the engine's side of {@link EngineClientTest}. */
final class ClientStreams {
    private ClientStreams() {}

    /** What every client handler records: what came back, and how the stream ended. */
    abstract static class Recording implements StreamHandler {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private final byte[] scratch = new byte[64 * 1024];
        boolean endOfInput;
        CloseReason closed;

        @Override
        public void onData(Stream stream, int readable) {
            drain(stream);
        }

        @Override
        public void onEndOfInput(Stream stream) {
            drain(stream);
            endOfInput = true;
            stream.close();
        }

        @Override
        public void onClosed(Stream stream, CloseReason reason) {
            closed = reason;
        }

        private void drain(Stream stream) {
            int n;
            while ((n = stream.read(scratch, 0, scratch.length)) > 0) {
                received.write(scratch, 0, n);
            }
        }

        boolean done() {
            return closed != null;
        }

        String progress() {
            return "received " + received.size() + " bytes, end of input " + endOfInput + ", closed " + closed;
        }
    }

    /** Sends one HTTP/1.1 GET with {@code Connection: close} and keeps the whole response. */
    static final class HttpGet extends Recording {
        private final byte[] request;

        HttpGet(String host, String path) {
            this.request = ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public void onOpen(Stream stream) {
            if (stream.write(request, 0, request.length) != request.length) {
                throw new AssertionError("a fresh stream's send buffer took less than a small request");
            }
        }

        String head() {
            byte[] all = received.toByteArray();
            int end = headerEnd(all);
            return new String(all, 0, Math.max(0, end), StandardCharsets.US_ASCII);
        }

        byte[] body() {
            byte[] all = received.toByteArray();
            int end = headerEnd(all);
            return java.util.Arrays.copyOfRange(all, end < 0 ? all.length : end + 4, all.length);
        }

        private static int headerEnd(byte[] all) {
            for (int i = 0; i + 3 < all.length; i++) {
                if (all[i] == '\r' && all[i + 1] == '\n' && all[i + 2] == '\r' && all[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }
    }

    /** Sends {@code data} (as fast as the send buffer takes it), then half-closes and reads to the end. */
    static final class Upload extends Recording {
        private final byte[] data;
        private int sent;
        private boolean shut;

        Upload(byte[] data) {
            this.data = data;
        }

        byte[] data() {
            return data;
        }

        @Override
        public void onOpen(Stream stream) {
            pump(stream);
        }

        @Override
        public void onWritable(Stream stream, int writable) {
            pump(stream);
        }

        private void pump(Stream stream) {
            while (sent < data.length) {
                int n = stream.write(data, sent, data.length - sent);
                if (n <= 0) {
                    return; // onWritable follows when room opens
                }
                sent += n;
            }
            if (!shut) {
                stream.shutdownOutput();
                shut = true;
            }
        }

        @Override
        String progress() {
            return "sent " + sent + " of " + data.length + ", " + super.progress();
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
