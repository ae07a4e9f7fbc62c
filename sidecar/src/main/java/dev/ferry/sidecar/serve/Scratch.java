package dev.ferry.sidecar.serve;

import java.lang.foreign.MemorySegment;

/**
 * A shard's one buffer that every stream's bytes pass through, as an array (for the responders
 * that look at bytes) and as a segment over the same array, made once: the streams' array
 * overloads wrap their argument on every call, which would allocate on the data path.
 */
record Scratch(byte[] bytes, MemorySegment segment) {
    static Scratch of(int size) {
        byte[] bytes = new byte[size];
        return new Scratch(bytes, MemorySegment.ofArray(bytes));
    }

    int size() {
        return bytes.length;
    }
}
