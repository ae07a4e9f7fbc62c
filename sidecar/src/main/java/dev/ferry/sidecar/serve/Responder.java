package dev.ferry.sidecar.serve;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;

/**
 * What {@code ferry serve} does with each accepted stream, on its shard thread. One object per
 * stream holding only its own small state; the bytes pass through the shard's one scratch buffer.
 */
abstract sealed class Responder implements StreamHandler
        permits Responder.Echo, Responder.Discard, Responder.Http, SockperfResponder {
    final ServeStats stats;
    final byte[] scratch;

    Responder(ServeStats stats, byte[] scratch) {
        this.stats = stats;
        this.scratch = scratch;
    }

    static Responder create(ServeMode mode, ServeStats stats, byte[] scratch, HttpResponses responses) {
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
        Echo(ServeStats stats, byte[] scratch) {
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
                int n = stream.read(scratch, 0, Math.min(room, scratch.length));
                if (n <= 0) {
                    break;
                }
                stream.write(scratch, 0, n);
            }
            closeIfDrained(stream);
        }
    }

    /** Reads and drops everything; closes when the peer does. */
    static final class Discard extends Responder {
        Discard(ServeStats stats, byte[] scratch) {
            super(stats, scratch);
        }

        @Override
        public void onData(Stream stream, int readable) {
            while (stream.read(scratch, 0, scratch.length) > 0) {
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

        Http(ServeStats stats, byte[] scratch, HttpResponses responses) {
            super(stats, scratch);
            this.responses = responses;
        }

        @Override
        public void onData(Stream stream, int readable) {
            int n;
            while (!closing && (n = stream.read(scratch, 0, scratch.length)) > 0) {
                for (int i = 0; i < n && !closing; i++) {
                    if (scanner.accept(scratch[i])) {
                        respond(stream, scanner.closeAfterResponse());
                    }
                }
            }
            if (closing) {
                while (stream.read(scratch, 0, scratch.length) > 0) {
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
            byte[] response = close ? responses.closing() : responses.keepAlive();
            if (stream.write(response, 0, response.length) < response.length) {
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
