package dev.ferry.tcp.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A stream for application threads, virtual threads included: {@link #inputStream()} and {@link
 * #outputStream()} block until bytes or room are there.
 *
 * <p>Threading contract:
 *
 * <ul>
 *   <li>{@link #bind} runs on the stream's shard thread (for example in {@code onAcceptable}, or
 *       right after an active open). From then on the stream is guarded: the shard takes this
 *       object's one {@link ReentrantLock} around every event of the stream, and the handler
 *       callbacks (this object) run under it.
 *   <li>Application threads take the same lock only while they copy bytes into or out of the
 *       stream's buffers, and wait on a {@link Condition} of it (which releases it) when there is
 *       nothing to read or no room to write. A {@code ReentrantLock}, not {@code synchronized}, so
 *       a waiting virtual thread unmounts instead of pinning its carrier.
 *   <li>Application threads never transmit: their operations leave the stream's output due and
 *       ring the shard through the host's {@link ShardWakeup}; the shard sends on its next turn.
 *   <li>One reader and one writer thread at a time is the expected use; more are safe (the lock
 *       serializes them) but interleave arbitrarily.
 * </ul>
 */
public final class BlockingStream implements StreamHandler, StreamGuard {
    private final ShardWakeup wakeup;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final InputStream input = new Input();
    private final OutputStream output = new Output();
    private Stream stream;
    private long readTimeoutNs;

    /** @param wakeup how application threads get the shard to flush the stream */
    public BlockingStream(ShardWakeup wakeup) {
        this.wakeup = wakeup;
    }

    /**
     * Attaches to {@code stream} (on its shard thread): guards it with this object's lock and
     * installs this object as its handler.
     */
    public BlockingStream bind(Stream stream) {
        this.stream = stream;
        stream.guard(this);
        lock.lock();
        try {
            stream.handler(this);
        } finally {
            lock.unlock();
        }
        return this;
    }

    /** Makes reads fail with {@link java.net.SocketTimeoutException} after waiting this long (0: forever). */
    public BlockingStream readTimeout(long timeout, TimeUnit unit) {
        this.readTimeoutNs = unit.toNanos(timeout);
        return this;
    }

    /** Bytes from the peer; {@code read} returns -1 after the peer's FIN. */
    public InputStream inputStream() {
        return input;
    }

    /** Bytes to the peer; {@code close()} half-closes (sends FIN after the queued bytes). */
    public OutputStream outputStream() {
        return output;
    }

    /** Half-close: see {@link Stream#shutdownOutput()}. */
    public void shutdownOutput() {
        withLock(() -> stream.shutdownOutput());
    }

    /** Full close: see {@link Stream#close()}. */
    public void close() {
        withLock(() -> stream.close());
    }

    /** Reset: see {@link Stream#abort()}. */
    public void abort() {
        withLock(() -> stream.abort());
    }

    /** Why the stream closed, or null while open. */
    public CloseReason closeReason() {
        lock.lock();
        try {
            return stream.closeReason();
        } finally {
            lock.unlock();
        }
    }

    private void withLock(Runnable action) {
        lock.lock();
        try {
            action.run();
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------ StreamGuard

    @Override
    public ReentrantLock lock() {
        return lock;
    }

    @Override
    public void requestAttention(Stream s) {
        wakeup.wake(s);
    }

    // ------------------------------------------------------------ StreamHandler (shard thread, lock held)

    @Override
    public void onOpen(Stream s) {
        changed.signalAll();
    }

    @Override
    public void onData(Stream s, int readable) {
        changed.signalAll();
    }

    @Override
    public void onEndOfInput(Stream s) {
        changed.signalAll();
    }

    @Override
    public void onWritable(Stream s, int writable) {
        changed.signalAll();
    }

    @Override
    public void onClosed(Stream s, CloseReason reason) {
        changed.signalAll();
    }

    // ------------------------------------------------------------ the application's side

    private int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        lock.lock();
        try {
            long waitNs = readTimeoutNs;
            while (true) {
                int n = stream.read(b, off, len);
                if (n > 0) {
                    return n;
                }
                if (n < 0) {
                    failIfReset();
                    return -1;
                }
                waitNs = await(waitNs);
            }
        } finally {
            lock.unlock();
        }
    }

    private void write(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        lock.lock();
        try {
            while (len > 0) {
                int n = stream.write(b, off, len);
                if (n < 0) {
                    failIfReset();
                    throw new IOException("stream is closed for output");
                }
                off += n;
                len -= n;
                if (len > 0) {
                    await(0);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void failIfReset() throws IOException {
        CloseReason reason = stream.closeReason();
        if (reason != null && reason != CloseReason.NORMAL) {
            throw new IOException("stream closed: " + reason);
        }
    }

    /** Waits for a change; returns the time left (0 when waiting without limit). */
    private long await(long waitNs) throws IOException {
        try {
            if (readTimeoutNs == 0 || waitNs == 0) {
                changed.await();
                return 0;
            }
            long left = changed.awaitNanos(waitNs);
            if (left <= 0) {
                throw new java.net.SocketTimeoutException("read timed out");
            }
            return left;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting on the stream");
        }
    }

    private final class Input extends InputStream {
        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = BlockingStream.this.read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return BlockingStream.this.read(b, off, len);
        }

        @Override
        public int available() {
            lock.lock();
            try {
                return stream.readable();
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void close() {
            BlockingStream.this.close();
        }
    }

    private final class Output extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            BlockingStream.this.write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            BlockingStream.this.write(b, off, len);
        }

        @Override
        public void close() {
            shutdownOutput();
        }
    }
}
