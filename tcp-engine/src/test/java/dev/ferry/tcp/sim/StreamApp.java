package dev.ferry.tcp.sim;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * The application at one end: writes its stream in random pieces at random moments, reads at its
 * own pace (slow readers close the window), half-closes and closes along a random plan, and
 * checks every byte it reads against what the peer's application wrote.
 *
 * <p>The plan always ends in an orderly close: all bytes written, output shut down (at once or
 * through {@code close()}), the peer's stream read to its end, then {@code close()}.
 */
final class StreamApp implements StreamHandler {
    private final Simulation sim;
    private final SimEndpoint endpoint;
    private final SplittableRandom random;
    final long sendTotal;
    final long receiveTotal;
    private final int sendSalt;
    private final int receiveSalt;
    private final boolean halfCloseFirst;
    private final boolean readInCallback;
    private final int writeChunkMax;
    private final int readChunkMax;
    private final long tickMeanNs;
    private final byte[] scratch = new byte[70_000];
    private final CRC32C sentHash = new CRC32C();
    private final CRC32C receivedHash = new CRC32C();
    private Stream stream;
    long written;
    long received;
    boolean shutdown;
    boolean closeCalled;
    boolean endOfInput;
    CloseReason closedReason;
    int opens;
    private boolean ticking;

    /**
     * @param halfCloseFirst shut output down as soon as everything is written; otherwise wait for
     *     the peer's end of stream and then close (at least one side must not wait)
     */
    StreamApp(
            Simulation sim,
            SimEndpoint endpoint,
            SplittableRandom random,
            long sendTotal,
            long receiveTotal,
            int sendSalt,
            int receiveSalt,
            boolean halfCloseFirst) {
        this.sim = sim;
        this.endpoint = endpoint;
        this.random = random;
        this.sendTotal = sendTotal;
        this.receiveTotal = receiveTotal;
        this.sendSalt = sendSalt;
        this.receiveSalt = receiveSalt;
        this.halfCloseFirst = halfCloseFirst;
        this.readInCallback = random.nextInt(3) > 0;
        // Pieces small enough to exercise Nagle and silly windows, large enough to finish in a
        // few hundred application turns.
        this.writeChunkMax = (int) Math.max(1 + random.nextInt(random.nextBoolean() ? 2000 : 65_000), sendTotal / 200);
        this.readChunkMax =
                (int) Math.max(1 + random.nextInt(random.nextBoolean() ? 3000 : 65_000), receiveTotal / 200);
        this.tickMeanNs = 20_000L + random.nextLong(random.nextInt(4) == 0 ? 50_000_000L : 3_000_000L);
    }

    /** Byte {@code position} of the stream whose writer uses {@code salt}. */
    static byte streamByte(int salt, long position) {
        long x = (position + salt) * 0x9E37_79B9_7F4A_7C15L;
        return (byte) (x >>> 56);
    }

    void start(Stream stream) {
        this.stream = stream;
        wake();
    }

    /**
     * The application gets a turn after a random pause; while it has nothing to do it sleeps
     * until a callback wakes it (as an event-driven application would), so a slow transfer does
     * not cost a flood of idle turns.
     */
    private void wake() {
        if (ticking) {
            return;
        }
        ticking = true;
        long delay = (long) (-Math.log(1 - random.nextDouble()) * tickMeanNs);
        sim.clock.at(sim.clock.nowNs() + delay, () -> {
            ticking = false;
            tick();
            sim.afterEvent();
        });
    }

    private void tick() {
        if (finished()) {
            return;
        }
        if (random.nextInt(3) > 0) {
            writeSome();
        }
        if (random.nextInt(3) > 0) {
            readSome();
        }
        advancePlan();
        boolean canWrite = written < sendTotal && !shutdown && !closeCalled && stream.writable() > 0;
        if (written < sendTotal && !canWrite && stream.writable() == 0) {
            writeSome(); // a refused write: onWritable will wake us
        }
        boolean canRead = stream.readable() > 0;
        boolean planStepDue = written == sendTotal && !closeCalled && (halfCloseFirst ? !shutdown : endOfInput);
        if (canWrite || canRead || planStepDue) {
            wake();
        }
    }

    /** Nothing left to do: the stream ended and everything that could be read was read. */
    boolean finished() {
        return closedReason != null && (closedReason != CloseReason.NORMAL || stream.readable() == 0);
    }

    private void writeSome() {
        if (written == sendTotal || shutdown || closeCalled) {
            return;
        }
        // Asking for more than fits (at least one byte) is what registers for onWritable.
        int n = (int) Math.min(
                Math.min(sendTotal - written, 1 + random.nextInt(writeChunkMax)), Math.max(1, stream.writable()));
        for (int i = 0; i < n; i++) {
            scratch[i] = streamByte(sendSalt, written + i);
        }
        int taken = stream.write(scratch, 0, n);
        if (taken > 0) {
            sentHash.update(scratch, 0, taken);
            written += taken;
        }
    }

    private void readSome() {
        int n = stream.read(scratch, 0, 1 + random.nextInt(readChunkMax));
        if (n > 0) {
            for (int i = 0; i < n; i++) {
                if (scratch[i] != streamByte(receiveSalt, received + i)) {
                    throw new AssertionError(endpoint.name + ": byte " + (received + i) + " of the stream is wrong");
                }
            }
            receivedHash.update(scratch, 0, n);
            received += n;
            if (received > receiveTotal) {
                throw new AssertionError(endpoint.name + ": read " + received + " bytes of " + receiveTotal);
            }
        }
    }

    private void advancePlan() {
        if (written == sendTotal && halfCloseFirst && !shutdown && !closeCalled) {
            shutdown = true;
            stream.shutdownOutput();
        }
        if (written == sendTotal && endOfInput && stream.readable() == 0 && !closeCalled) {
            closeCalled = true;
            stream.close();
        }
    }

    long sentHash() {
        return sentHash.getValue();
    }

    long receivedHash() {
        return receivedHash.getValue();
    }

    // ------------------------------------------------------------ callbacks (shard thread)

    @Override
    public void onOpen(Stream s) {
        opens++;
        start(s);
    }

    @Override
    public void onData(Stream s, int readable) {
        wake();
        if (readInCallback) {
            readSome();
            if (random.nextBoolean()) {
                writeSome(); // a reply from inside the callback rides on the ACK
            }
        }
    }

    @Override
    public void onEndOfInput(Stream s) {
        endOfInput = true;
        wake();
    }

    @Override
    public void onWritable(Stream s, int writable) {
        wake();
        if (random.nextBoolean()) {
            writeSome();
        }
    }

    @Override
    public void onClosed(Stream s, CloseReason reason) {
        if (closedReason != null) {
            throw new AssertionError(endpoint.name + ": onClosed twice");
        }
        closedReason = reason;
    }
}
