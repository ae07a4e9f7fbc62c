package dev.ferry.tcp.conn;

import java.lang.foreign.MemorySegment;

/**
 * {@link MemorySegment} views of the {@code byte[]}s applications read into and write from. An
 * application nearly always passes the same scratch array, so each thread keeps the view of the
 * last array it passed: {@code read(byte[])} and {@code write(byte[])} then allocate nothing,
 * where wrapping per call cost a segment object per request (escape analysis does not remove it:
 * the view travels through the buffers' copy loops).
 */
final class ArrayViews {
    private static final ThreadLocal<ArrayViews> LAST = ThreadLocal.withInitial(ArrayViews::new);

    private byte[] array;
    private MemorySegment view;

    private ArrayViews() {}

    static MemorySegment of(byte[] array) {
        ArrayViews last = LAST.get();
        if (last.array != array) {
            last.array = array;
            last.view = MemorySegment.ofArray(array);
        }
        return last.view;
    }
}
