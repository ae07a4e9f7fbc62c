package dev.ferry.sidecar.serve;

import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/** The two responses {@code ferry serve --mode http} sends, built once (segments: see {@link Scratch}). */
record HttpResponses(MemorySegment keepAlive, MemorySegment closing) {
    static HttpResponses withBody(int bodyBytes) {
        byte[] body = new byte[bodyBytes];
        for (int i = 0; i < bodyBytes; i++) {
            body[i] = (byte) (i == bodyBytes - 1 ? '\n' : 'a' + i % 26);
        }
        return new HttpResponses(MemorySegment.ofArray(build(body, false)), MemorySegment.ofArray(build(body, true)));
    }

    private static byte[] build(byte[] body, boolean close) {
        String head = "HTTP/1.1 200 OK\r\nServer: ferry\r\nContent-Type: text/plain\r\nContent-Length: " + body.length
                + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        byte[] h = head.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[h.length + body.length];
        System.arraycopy(h, 0, all, 0, h.length);
        System.arraycopy(body, 0, all, h.length, body.length);
        return all;
    }
}
