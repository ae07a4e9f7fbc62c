package dev.ferry.afpacket.bpf;

import java.util.Arrays;

/**
 * An immutable classic BPF program ({@code struct sock_filter[]}). Each instruction is packed into a
 * long: {@code code} in bits 48-63, {@code jt} in 40-47, {@code jf} in 32-39 and {@code k} in 0-31.
 * A program returns the number of bytes of a frame to keep, 0 to drop it.
 */
public final class BpfProgram {
    /** The most bytes of a frame any filter here keeps: all of a 64 KB GSO super-frame. */
    public static final int WHOLE_FRAME = 0x40000;

    private final long[] instructions;

    BpfProgram(long[] instructions) {
        if (instructions.length == 0 || instructions.length > 4096) {
            throw new IllegalArgumentException(
                    "a classic BPF program has 1..4096 instructions, not " + instructions.length);
        }
        this.instructions = instructions.clone();
    }

    /** A program that keeps {@code length} bytes of every frame. */
    public static BpfProgram acceptAll(int length) {
        return new BpfProgram(new long[] {BpfAssembler.pack(BpfAssembler.RET_K, 0, 0, length)});
    }

    /** The instructions (a copy), packed as described in the class comment. */
    public long[] instructions() {
        return instructions.clone();
    }

    public int length() {
        return instructions.length;
    }

    /** The same program keeping {@code length} bytes wherever it kept any (a doorbell keeps 1). */
    public BpfProgram withAcceptLength(int length) {
        long[] copy = instructions.clone();
        for (int i = 0; i < copy.length; i++) {
            int code = (int) (copy[i] >>> 48);
            int k = (int) copy[i];
            if (code == BpfAssembler.RET_K && k != 0) {
                copy[i] = BpfAssembler.pack(code, 0, 0, length);
            }
        }
        return new BpfProgram(copy);
    }

    /** One instruction per line, as {@code tcpdump -dd} prints them: {@code { 0x28, 0, 0, 0x0000000c },}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (long insn : instructions) {
            sb.append(String.format(
                    "{ 0x%02x, %d, %d, 0x%08x },%n",
                    (int) (insn >>> 48), (int) ((insn >>> 40) & 0xFF), (int) ((insn >>> 32) & 0xFF), (int) insn));
        }
        return sb.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BpfProgram p && Arrays.equals(instructions, p.instructions);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(instructions);
    }
}
