package dev.ferry.sidecar.serve;

/**
 * Finds where HTTP/1.1 requests end in a byte stream, and whether the client wants the connection
 * closed after each, without buffering the request: a few ints of state per connection.
 *
 * <p>It understands what a minimal responder needs: the end of the header block (an empty line),
 * the version in the request line (HTTP/1.0 closes unless it asks for keep-alive), and a {@code
 * Connection: close} or {@code keep-alive} header (RFC 9112 9.3 and 9.6). Request bodies are not
 * read: a request that declares one is not what this responder serves.
 */
final class HttpRequestScanner {
    private static final byte[] CONNECTION = "connection:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final long HTTP10 = tail("HTTP/1.0");

    private boolean inRequestLine = true;
    private long requestLineTail;
    private int lineLength;
    private int nameMatch;
    private boolean inConnectionValue;
    private long valueBits;
    private int valueLength;
    private boolean http10;
    private boolean closeAsked;
    private boolean keepAliveAsked;
    private boolean lastClose;

    /** Feeds one byte; true when it completed a request (then see {@link #closeAfterResponse()}). */
    boolean accept(byte b) {
        if (b == '\n') {
            return endOfLine();
        }
        if (b == '\r') {
            return false;
        }
        lineLength++;
        if (inRequestLine) {
            requestLineTail = requestLineTail << 8 | (b & 0xff);
            return false;
        }
        int lower = b >= 'A' && b <= 'Z' ? b + 32 : b;
        if (inConnectionValue) {
            if (lower != ' ' && lower != '\t') {
                valueBits = valueBits << 8 | lower; // the last 8 characters, and how many there were
                valueLength++;
            }
        } else if (nameMatch == lineLength - 1 && nameMatch < CONNECTION.length && CONNECTION[nameMatch] == lower) {
            nameMatch++;
            inConnectionValue = nameMatch == CONNECTION.length;
        }
        return false;
    }

    private boolean endOfLine() {
        if (inRequestLine) {
            inRequestLine = false;
            http10 = requestLineTail == HTTP10;
        } else if (lineLength == 0) {
            lastClose = http10 ? !keepAliveAsked : closeAsked;
            reset();
            return true;
        } else if (inConnectionValue) {
            closeAsked |= valueLength == 5 && valueBits == tail("close");
            keepAliveAsked |= valueLength == 10 && valueBits == tail("keep-alive");
        }
        lineLength = 0;
        nameMatch = 0;
        inConnectionValue = false;
        valueBits = 0;
        valueLength = 0;
        return false;
    }

    private void reset() {
        inRequestLine = true;
        requestLineTail = 0;
        lineLength = 0;
        nameMatch = 0;
        inConnectionValue = false;
        valueBits = 0;
        valueLength = 0;
        http10 = false;
        closeAsked = false;
        keepAliveAsked = false;
    }

    /** Whether the request just completed asked for the connection to close after its response. */
    boolean closeAfterResponse() {
        return lastClose;
    }

    /** The last (up to) 8 bytes of {@code s} packed into a long, as the scanner packs what it reads. */
    private static long tail(String s) {
        long v = 0;
        for (int i = Math.max(0, s.length() - 8); i < s.length(); i++) {
            v = v << 8 | s.charAt(i);
        }
        return v;
    }
}
