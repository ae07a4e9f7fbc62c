package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * {@code struct sock_fprog} and {@code struct sock_filter} ({@code linux/filter.h}): a classic BPF
 * program for SO_ATTACH_FILTER.
 *
 * <pre>
 * sock_filter:  0 code (u16)  2 jt (u8)  3 jf (u8)  4 k (u32)              (8 bytes)
 * sock_fprog:   0 len (u16)   8 filter (pointer to sock_filter[len])       (16 bytes)
 * </pre>
 */
public final class SockFprog {
    public static final StructLayout SOCK_FILTER = MemoryLayout.structLayout(
            JAVA_SHORT.withName("code"), JAVA_BYTE.withName("jt"), JAVA_BYTE.withName("jf"), JAVA_INT.withName("k"));

    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_SHORT.withName("len"), MemoryLayout.paddingLayout(6), ADDRESS.withName("filter"));

    private static final long CODE = SOCK_FILTER.byteOffset(groupElement("code"));
    private static final long JT = SOCK_FILTER.byteOffset(groupElement("jt"));
    private static final long JF = SOCK_FILTER.byteOffset(groupElement("jf"));
    private static final long K = SOCK_FILTER.byteOffset(groupElement("k"));

    private SockFprog() {}

    /**
     * Lays out {@code instructions} (each as code, jt, jf, k packed into a long: code in bits 48-63,
     * jt 40-47, jf 32-39, k 0-31) and returns a sock_fprog pointing at them, both in {@code arena}.
     */
    public static MemorySegment of(Arena arena, long[] instructions) {
        MemorySegment program = arena.allocate(SOCK_FILTER, instructions.length);
        for (int i = 0; i < instructions.length; i++) {
            long insn = instructions[i];
            long base = i * SOCK_FILTER.byteSize();
            program.set(JAVA_SHORT, base + CODE, (short) (insn >>> 48));
            program.set(JAVA_BYTE, base + JT, (byte) (insn >>> 40));
            program.set(JAVA_BYTE, base + JF, (byte) (insn >>> 32));
            program.set(JAVA_INT, base + K, (int) insn);
        }
        MemorySegment fprog = arena.allocate(LAYOUT);
        fprog.set(JAVA_SHORT, LAYOUT.byteOffset(groupElement("len")), (short) instructions.length);
        fprog.set(ADDRESS, LAYOUT.byteOffset(groupElement("filter")), program);
        return fprog;
    }
}
