package dev.ferry.afpacket.bpf;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal classic-BPF assembler with symbolic jump targets. Conditional jumps name labels (or
 * {@link #NEXT}); {@link #assemble()} resolves them into the 8-bit forward offsets classic BPF
 * allows, and refuses programs whose jumps do not fit.
 */
public final class BpfAssembler {
    // Opcodes from linux/bpf_common.h, combined.
    static final int LD_W_ABS = 0x20; // A = u32 at [k]
    static final int LD_H_ABS = 0x28; // A = u16 at [k]
    static final int LD_B_ABS = 0x30; // A = u8 at [k]
    static final int LD_H_IND = 0x48; // A = u16 at [X + k]
    static final int LDX_B_MSH = 0xb1; // X = 4 * ([k] & 0xf): the IPv4 header length
    static final int JMP_JEQ_K = 0x15;
    static final int JMP_JSET_K = 0x45;
    static final int RET_K = 0x06;

    /** The jump target "the next instruction". */
    public static final String NEXT = "";

    private record Insn(int code, String jt, String jf, int k) {}

    private final List<Insn> program = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /** Marks the next instruction with {@code label}. */
    public BpfAssembler label(String label) {
        if (labels.putIfAbsent(label, program.size()) != null) {
            throw new IllegalArgumentException("label " + label + " defined twice");
        }
        return this;
    }

    public BpfAssembler loadWord(int offset) {
        return add(LD_W_ABS, NEXT, NEXT, offset);
    }

    public BpfAssembler loadHalf(int offset) {
        return add(LD_H_ABS, NEXT, NEXT, offset);
    }

    public BpfAssembler loadByte(int offset) {
        return add(LD_B_ABS, NEXT, NEXT, offset);
    }

    /** A = u16 at [X + offset]. */
    public BpfAssembler loadHalfIndexed(int offset) {
        return add(LD_H_IND, NEXT, NEXT, offset);
    }

    /** X = 4 * (byte at offset & 0x0f): the length of the IPv4 header starting there. */
    public BpfAssembler loadIpv4HeaderLength(int offset) {
        return add(LDX_B_MSH, NEXT, NEXT, offset);
    }

    /** if A == k goto ifEqual else goto otherwise. */
    public BpfAssembler jumpIfEqual(int k, String ifEqual, String otherwise) {
        return add(JMP_JEQ_K, ifEqual, otherwise, k);
    }

    /** if A & k goto ifSet else goto otherwise. */
    public BpfAssembler jumpIfAnySet(int k, String ifSet, String otherwise) {
        return add(JMP_JSET_K, ifSet, otherwise, k);
    }

    /** Return: keep {@code length} bytes (0 drops). */
    public BpfAssembler ret(int length) {
        return add(RET_K, NEXT, NEXT, length);
    }

    private BpfAssembler add(int code, String jt, String jf, int k) {
        program.add(new Insn(code, jt, jf, k));
        return this;
    }

    /** Resolves the labels; fails when a jump goes backwards, nowhere, or further than 255. */
    public BpfProgram assemble() {
        long[] out = new long[program.size()];
        for (int i = 0; i < out.length; i++) {
            Insn insn = program.get(i);
            out[i] = pack(insn.code, offset(i, insn.jt), offset(i, insn.jf), insn.k);
        }
        return new BpfProgram(out);
    }

    private int offset(int from, String label) {
        if (label.equals(NEXT)) {
            return 0;
        }
        Integer target = labels.get(label);
        if (target == null) {
            throw new IllegalArgumentException("undefined label " + label);
        }
        int distance = target - from - 1;
        if (distance < 0 || distance > 255) {
            throw new IllegalArgumentException("jump from " + from + " to " + label + " spans " + distance
                    + " (classic BPF allows 0..255):" + " too many ports or addresses for one filter");
        }
        return distance;
    }

    static long pack(int code, int jt, int jf, int k) {
        return ((long) (code & 0xFFFF) << 48)
                | ((long) (jt & 0xFF) << 40)
                | ((long) (jf & 0xFF) << 32)
                | (k & 0xFFFF_FFFFL);
    }
}
