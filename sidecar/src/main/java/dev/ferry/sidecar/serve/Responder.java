package dev.ferry.sidecar.serve;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import java.lang.foreign.MemorySegment;

/**
 * What {@code ferry serve} does with each accepted stream, on its shard thread. One object per
 * stream holding only its own small state; the bytes pass through the shard's one scratch buffer.
 */
abstract sealed class Responder implements StreamHandler
        permits Responder.Echo, Responder.Discard, Responder.Http, SockperfResponder {
    final ServeStats stats;
    final Scratch scratch;

    Responder(ServeStats stats, Scratch scratch) {
        this.stats = stats;
        this.scratch = scratch;
    }

    static Responder create(ServeMode mode, ServeStats stats, Scratch scratch, HttpResponses responses) {
        return switch (mode) {
            case ECHO -> new Echo(stats, scratch);
            case DISCARD -> new Discard(stats, scratch);
            case HTTP -> new Http(stats, scratch, responses);
            case SOCKPERF -> new SockperfResponder(stats, scratch);
        };
    }

    @Override
    public void onClosed(Stream stream, CloseReason reason) {
        stats.closed(reason);
    }

    /** Closes once the peer is done and nothing is left to read (a close with unread bytes resets). */
    static void closeIfDrained(Stream stream) {
        if (stream.isInputShutdown() && stream.readable() == 0) {
            stream.close();
        }
    }

    /** Writes back what it reads; stops reading while the send buffer is full (backpressure). */
    static final class Echo extends Responder {
        Echo(ServeStats stats, Scratch scratch) {
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
            int room;
            while (stream.readable() > 0 && (room = stream.writable()) > 0) {
                int n = stream.read(scratch.segment(), 0, Math.min(room, scratch.size()));
                if (n <= 0) {
                    break;
                }
                stream.write(scratch.segment(), 0, n);
            }
            closeIfDrained(stream);
        }
    }

    /** Reads and drops everything; closes when the peer does. */
    static final class Discard extends Responder {
        Discard(ServeStats stats, Scratch scratch) {
            super(stats, scratch);
        }

        @Override
        public void onData(Stream stream, int readable) {
            while (stream.read(scratch.segment(), 0, scratch.size()) > 0) {
                // dropped on purpose
            }
            closeIfDrained(stream);
        }

        @Override
        public void onEndOfInput(Stream stream) {
            onData(stream, 0);
        }
    }

    /** Answers every request with a fixed small response; honours keep-alive and Connection: close. */
    static final class Http extends Responder {
        private final HttpResponses responses;
        private final HttpRequestScanner scanner = new HttpRequestScanner();
        private boolean closing;

        Http(ServeStats stats, Scratch scratch, HttpResponses responses) {
            super(stats, scratch);
            this.responses = responses;
        }

        @Override
        public void onData(Stream stream, int readable) {
            int n;
            byte[] bytes = scratch.bytes();
            while (!closing && (n = stream.read(scratch.segment(), 0, bytes.length)) > 0) {
                for (int i = 0; i < n && !closing; i++) {
                    if (scanner.accept(bytes[i])) {
                        respond(stream, scanner.closeAfterResponse());
                    }
                }
            }
            if (closing) {
                while (stream.read(scratch.segment(), 0, scratch.size()) > 0) {
                    // after Connection: close nothing more is served
                }
                stream.close();
            } else {
                closeIfDrained(stream);
            }
        }

        @Override
        public void onEndOfInput(Stream stream) {
            onData(stream, 0);
        }

        private void respond(Stream stream, boolean close) {
            MemorySegment response = close ? responses.closing() : responses.keepAlive();
            int length = (int) response.byteSize();
            if (stream.write(response, 0, length) < length) {
                stats.responseDropped(); // the send buffer holds far more than one small response
                stream.abort();
                closing = true;
                return;
            }
            stats.request();
            closing = close;
        }
    }
}
