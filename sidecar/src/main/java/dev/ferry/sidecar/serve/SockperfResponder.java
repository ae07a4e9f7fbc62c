package dev.ferry.sidecar.serve;

import dev.ferry.tcp.api.Stream;
import java.lang.foreign.MemorySegment;

/**
 * Answers sockperf's TCP clients ({@code sockperf ping-pong} and {@code under-load}) as its own
 * server does, so latency can be compared with a kernel {@code sockperf server} under the same
 * client. A plain echo will not do: the client ignores any message that still carries its
 * "from the client" flag.
 *
 * <p>sockperf frames each message with a 14-byte header, all fields big-endian:
 *
 * <pre>
 *  0                   8         10                  14
 *  +-------------------+---------+-------------------+---------------
 *  | sequence number   | flags   | length (header    | payload ...
 *  | (8 bytes)         | (2)     | included, 4)      |
 *  +-------------------+---------+-------------------+---------------
 *  flags: 1 = sent by the client, 2 = wants a reply, 4 = warm-up (never answered)
 * </pre>
 *
 * A message from the client that wants a reply goes back whole with the client flag cleared;
 * others are read and dropped. The payload streams through the shard's scratch buffer, so a
 * connection holds only its header (and a segment over it, made once) and a few counters. A header with an impossible length resets
 * the stream.
 */
final class SockperfResponder extends Responder {
    static final int HEADER_BYTES = 14;
    private static final int FLAGS_LOW_BYTE = 9;
    private static final int LENGTH_OFFSET = 10;
    private static final int FLAG_CLIENT = 1;
    private static final int FLAG_PONG = 2;
    private static final int FLAG_WARMUP = 4;
    /** Larger than any message sockperf sends (its maximum is just under 64 KB). */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    private final byte[] header = new byte[HEADER_BYTES];
    private final MemorySegment headerSegment = MemorySegment.ofArray(header);
    private int headerFill;
    private boolean headerSent;
    private boolean replying;
    private int bodyLeft;

    SockperfResponder(ServeStats stats, Scratch scratch) {
        super(stats, scratch);
    }

    @Override
    public void onData(Stream stream, int readable) {
        pump(stream);
    }

    @Override
    public void onWritable(Stream stream, int writable) {
        pump(stream);
    }

    @Override
    public void onEndOfInput(Stream stream) {
        pump(stream);
    }

    private void pump(Stream stream) {
        while (stream.readable() > 0 && stream.isOpen()) {
            if (headerFill < HEADER_BYTES) {
                headerFill += Math.max(0, stream.read(headerSegment, headerFill, HEADER_BYTES - headerFill));
                if (headerFill < HEADER_BYTES) {
                    break;
                }
                if (!startMessage(stream)) {
                    return;
                }
            }
            if (replying && !headerSent) {
                if (stream.writable() < HEADER_BYTES) {
                    return; // onWritable resumes here
                }
                stream.write(headerSegment, 0, HEADER_BYTES);
                headerSent = true;
            }
            if (!passBody(stream)) {
                return;
            }
            if (bodyLeft == 0) {
                if (replying) {
                    stats.request();
                }
                headerFill = 0;
            }
        }
        closeIfDrained(stream);
    }

    /** Reads the header just completed; false (after resetting the stream) when it is malformed. */
    private boolean startMessage(Stream stream) {
        int flags = header[FLAGS_LOW_BYTE] & 0xff;
        int length = (header[LENGTH_OFFSET] & 0xff) << 24
                | (header[LENGTH_OFFSET + 1] & 0xff) << 16
                | (header[LENGTH_OFFSET + 2] & 0xff) << 8
                | (header[LENGTH_OFFSET + 3] & 0xff);
        if (length < HEADER_BYTES || length > MAX_MESSAGE_BYTES) {
            stats.malformed();
            stream.abort();
            return false;
        }
        bodyLeft = length - HEADER_BYTES;
        replying = (flags & FLAG_CLIENT) != 0 && (flags & FLAG_PONG) != 0 && (flags & FLAG_WARMUP) == 0;
        header[FLAGS_LOW_BYTE] = (byte) (flags & ~FLAG_CLIENT);
        headerSent = false;
        return true;
    }

    /** Moves payload bytes to the reply (or drops them); false when it must wait for send room. */
    private boolean passBody(Stream stream) {
        while (bodyLeft > 0) {
            int n = Math.min(bodyLeft, Math.min(scratch.size(), stream.readable()));
            if (replying) {
                n = Math.min(n, stream.writable());
                if (n == 0 && stream.readable() > 0) {
                    return false; // onWritable resumes here
                }
            }
            if (n <= 0) {
                return true; // the rest of the payload has not arrived yet
            }
            n = stream.read(scratch.segment(), 0, n);
            if (n <= 0) {
                return true;
            }
            if (replying) {
                stream.write(scratch.segment(), 0, n);
            }
            bodyLeft -= n;
        }
        return true;
    }
}
