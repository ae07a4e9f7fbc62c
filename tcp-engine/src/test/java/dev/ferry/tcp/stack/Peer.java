package dev.ferry.tcp.stack;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A test application on one end of a stream: writes a planned byte sequence (in chunks of a given
 * size, as the send buffer takes them), then half-closes; keeps every byte it receives; closes
 * once it has sent everything and the peer has closed its side.
 */
final class Peer implements StreamHandler {
    private final byte[] toSend;
    private final int chunk;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private final byte[] readBuffer = new byte[8192];
    private int sent;
    private boolean opened;
    private boolean endOfInput;
    private boolean closeWhenDone = true;
    private boolean sendAfterInput;
    CloseReason closed;
    Stream stream;

    Peer(byte[] toSend, int chunk) {
        this.toSend = toSend;
        this.chunk = chunk;
    }

    /** Answers only after the peer's FIN, like a server that reads the whole request first. */
    Peer sendAfterInput() {
        this.sendAfterInput = true;
        return this;
    }

    Peer keepOpen() {
        this.closeWhenDone = false;
        return this;
    }

    @Override
    public void onOpen(Stream stream) {
        this.stream = stream;
        opened = true;
        pump(stream);
    }

    @Override
    public void onData(Stream stream, int readable) {
        int n;
        while ((n = stream.read(readBuffer, 0, readBuffer.length)) > 0) {
            received.write(readBuffer, 0, n);
        }
    }

    @Override
    public void onEndOfInput(Stream stream) {
        onData(stream, stream.readable());
        endOfInput = true;
        pump(stream);
    }

    @Override
    public void onWritable(Stream stream, int writable) {
        pump(stream);
    }

    @Override
    public void onClosed(Stream stream, CloseReason reason) {
        closed = reason;
    }

    private void pump(Stream stream) {
        if (sendAfterInput && !endOfInput) {
            return;
        }
        while (sent < toSend.length) {
            int n = stream.write(toSend, sent, Math.min(chunk, toSend.length - sent));
            if (n <= 0) {
                return;
            }
            sent += n;
        }
        if (closeWhenDone) {
            stream.shutdownOutput();
            maybeClose(stream);
        }
    }

    private void maybeClose(Stream stream) {
        if (closeWhenDone && endOfInput && sent == toSend.length) {
            stream.close();
        }
    }

    @Override
    public String toString() {
        return "Peer[sent " + sent + "/" + toSend.length + ", received " + received.size() + ", eof " + endOfInput
                + ", closed " + closed + "]";
    }

    boolean opened() {
        return opened;
    }

    boolean endOfInput() {
        return endOfInput;
    }

    byte[] received() {
        return received.toByteArray();
    }

    static String sha256(byte[] bytes) {
        try {
            return java.util.HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
