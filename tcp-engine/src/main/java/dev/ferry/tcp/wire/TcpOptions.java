package dev.ferry.tcp.wire;

import static dev.ferry.tcp.wire.NetworkOrder.putU16;
import static dev.ferry.tcp.wire.NetworkOrder.putU32;
import static dev.ferry.tcp.wire.NetworkOrder.putU8;
import static dev.ferry.tcp.wire.NetworkOrder.u16;
import static dev.ferry.tcp.wire.NetworkOrder.u32;
import static dev.ferry.tcp.wire.NetworkOrder.u64;
import static dev.ferry.tcp.wire.NetworkOrder.u8;

import java.lang.foreign.MemorySegment;

/**
 * The TCP options Ferry understands, as a reusable mutable holder: parsed into on receive, filled
 * in and written on send. One instance per shard (inside {@link ParsedFrame}) or per builder; no
 * allocation after construction.
 *
 * <p>Options are kind-length-value triples, except EOL (kind 0, ends the list) and NOP (kind 1,
 * padding) which are one byte (RFC 9293 section 3.2):
 *
 * <pre>
 * +--------+--------+-------------------+
 * |  kind  | length |  value ...        |   length counts kind and length bytes
 * +--------+--------+-------------------+
 *   2 MSS            length 4   u16 maximum segment size          (RFC 9293 section 3.7.1)
 *   3 window scale   length 3   u8 shift count                    (RFC 7323 section 2)
 *   4 SACK permitted length 2                                     (RFC 2018 section 2)
 *   5 SACK           length 2+8n  n (1..4) pairs of u32 left, right edges (RFC 2018 section 3)
 *   8 timestamps     length 10  u32 TSval, u32 TSecr              (RFC 7323 section 3)
 * </pre>
 *
 * Other kinds are skipped by their length. A length byte that is missing, below 2, runs past the
 * option space, or is wrong for a known kind is {@link Malformed#BAD_OPTION_LENGTH}: such a segment
 * cannot be read reliably (RFC 9293 section 3.2, MUST-7: handle illegal lengths without crashing).
 *
 * <p>Values are reported as sent (a window scale above 14 is the receiver's business, RFC 7323
 * section 2.3).
 */
public final class TcpOptions {
    public static final int KIND_EOL = 0;
    public static final int KIND_NOP = 1;
    public static final int KIND_MSS = 2;
    public static final int KIND_WINDOW_SCALE = 3;
    public static final int KIND_SACK_PERMITTED = 4;
    public static final int KIND_SACK = 5;
    public static final int KIND_TIMESTAMPS = 8;

    /** The most option bytes a header can carry (data offset 15 minus the fixed 5 words). */
    public static final int MAX_LENGTH = 40;
    /** The most SACK blocks an option can carry (2 + 4 * 8 = 34 bytes). */
    public static final int MAX_SACK_BLOCKS = 4;
    /** {@link #mss()} and {@link #windowScale()} when the option was absent. */
    public static final int ABSENT = -1;

    /** NOP, NOP, kind 8, length 10: how a timestamps-only option list starts. */
    private static final int ALIGNED_TIMESTAMPS_PREFIX =
            (KIND_NOP << 24) | (KIND_NOP << 16) | (KIND_TIMESTAMPS << 8) | 10;

    private static final int ALIGNED_TIMESTAMPS_LENGTH = 12;

    private int mss = ABSENT;
    private int windowScale = ABSENT;
    private boolean sackPermitted;
    private boolean timestamps;
    private int tsVal;
    private int tsEcr;
    private int sackBlockCount;
    private final int[] sackLeft = new int[MAX_SACK_BLOCKS];
    private final int[] sackRight = new int[MAX_SACK_BLOCKS];

    /** Forgets every option. */
    public TcpOptions clear() {
        mss = ABSENT;
        windowScale = ABSENT;
        sackPermitted = false;
        timestamps = false;
        tsVal = 0;
        tsEcr = 0;
        sackBlockCount = 0;
        return this;
    }

    /** Makes this holder equal to {@code other}. */
    public TcpOptions copyFrom(TcpOptions other) {
        mss = other.mss;
        windowScale = other.windowScale;
        sackPermitted = other.sackPermitted;
        timestamps = other.timestamps;
        tsVal = other.tsVal;
        tsEcr = other.tsEcr;
        sackBlockCount = other.sackBlockCount;
        System.arraycopy(other.sackLeft, 0, sackLeft, 0, MAX_SACK_BLOCKS);
        System.arraycopy(other.sackRight, 0, sackRight, 0, MAX_SACK_BLOCKS);
        return this;
    }

    // ---- reading ----

    /**
     * Clears this holder and parses the {@code length} option bytes at {@code offset}.
     *
     * @return {@link Malformed#NONE} or {@link Malformed#BAD_OPTION_LENGTH}; on failure the holder
     *     keeps what was parsed before the bad option and must not be used
     */
    public Malformed parse(MemorySegment memory, long offset, int length) {
        clear();
        if (length == 0) {
            return Malformed.NONE;
        }
        if (length == ALIGNED_TIMESTAMPS_LENGTH && u32(memory, offset) == ALIGNED_TIMESTAMPS_PREFIX) {
            // Nearly every segment after the handshake carries exactly NOP, NOP, timestamps (RFC
            // 7323 appendix A recommends this layout so receivers can take this shortcut). TSval
            // and TSecr come in one load.
            long values = u64(memory, offset + 4);
            timestamps = true;
            tsVal = (int) (values >>> 32);
            tsEcr = (int) values;
            return Malformed.NONE;
        }
        int at = 0;
        while (at < length) {
            int kind = u8(memory, offset + at);
            if (kind == KIND_EOL) {
                break;
            }
            if (kind == KIND_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= length) {
                return Malformed.BAD_OPTION_LENGTH;
            }
            int optionLength = u8(memory, offset + at + 1);
            if (optionLength < 2 || at + optionLength > length) {
                return Malformed.BAD_OPTION_LENGTH;
            }
            if (!readOption(memory, offset + at, kind, optionLength)) {
                return Malformed.BAD_OPTION_LENGTH;
            }
            at += optionLength;
        }
        return Malformed.NONE;
    }

    /** Reads one option whose length is known to fit; false when the length is wrong for the kind. */
    private boolean readOption(MemorySegment memory, long at, int kind, int optionLength) {
        switch (kind) {
            case KIND_MSS -> {
                if (optionLength != 4) return false;
                mss = u16(memory, at + 2);
            }
            case KIND_WINDOW_SCALE -> {
                if (optionLength != 3) return false;
                windowScale = u8(memory, at + 2);
            }
            case KIND_SACK_PERMITTED -> {
                if (optionLength != 2) return false;
                sackPermitted = true;
            }
            case KIND_SACK -> {
                int blocks = (optionLength - 2) / 8;
                if (blocks < 1 || (optionLength - 2) % 8 != 0) return false;
                sackBlockCount = blocks; // at most 4: 2 + 5 * 8 exceeds the 40 option bytes
                for (int i = 0; i < blocks; i++) {
                    sackLeft[i] = u32(memory, at + 2 + i * 8);
                    sackRight[i] = u32(memory, at + 6 + i * 8);
                }
            }
            case KIND_TIMESTAMPS -> {
                if (optionLength != 10) return false;
                timestamps = true;
                tsVal = u32(memory, at + 2);
                tsEcr = u32(memory, at + 6);
            }
            default -> {
                // Unknown kinds are skipped by their length (RFC 9293 section 3.2, MUST-6).
            }
        }
        return true;
    }

    public boolean hasMss() {
        return mss != ABSENT;
    }

    /** The MSS option value, or {@link #ABSENT}. */
    public int mss() {
        return mss;
    }

    public boolean hasWindowScale() {
        return windowScale != ABSENT;
    }

    /** The window scale shift as sent, or {@link #ABSENT}. */
    public int windowScale() {
        return windowScale;
    }

    public boolean sackPermitted() {
        return sackPermitted;
    }

    public boolean hasTimestamps() {
        return timestamps;
    }

    public int tsVal() {
        return tsVal;
    }

    public int tsEcr() {
        return tsEcr;
    }

    public int sackBlockCount() {
        return sackBlockCount;
    }

    /** Left edge (first sequence number) of SACK block {@code i}. */
    public int sackLeft(int i) {
        return sackLeft[i];
    }

    /** Right edge (sequence number after the last byte) of SACK block {@code i}. */
    public int sackRight(int i) {
        return sackRight[i];
    }

    // ---- setting ----

    /** Sets the MSS option (0..65535), or removes it with {@link #ABSENT}. */
    public TcpOptions mss(int mss) {
        this.mss = mss;
        return this;
    }

    /** Sets the window scale option (0..255 on the wire), or removes it with {@link #ABSENT}. */
    public TcpOptions windowScale(int shift) {
        this.windowScale = shift;
        return this;
    }

    public TcpOptions sackPermitted(boolean permitted) {
        this.sackPermitted = permitted;
        return this;
    }

    /** Sets the timestamps option. */
    public TcpOptions timestamps(int tsVal, int tsEcr) {
        this.timestamps = true;
        this.tsVal = tsVal;
        this.tsEcr = tsEcr;
        return this;
    }

    public TcpOptions noTimestamps() {
        this.timestamps = false;
        return this;
    }

    /** Appends a SACK block; false (and nothing changes) when four are already set. */
    public boolean addSackBlock(int left, int right) {
        if (sackBlockCount == MAX_SACK_BLOCKS) {
            return false;
        }
        sackLeft[sackBlockCount] = left;
        sackRight[sackBlockCount] = right;
        sackBlockCount++;
        return true;
    }

    public TcpOptions clearSackBlocks() {
        sackBlockCount = 0;
        return this;
    }

    // ---- writing ----

    /** Bytes {@link #write} will produce: a multiple of 4, at most {@link #MAX_LENGTH}. */
    public int encodedLength() {
        return paddedLayout() ? paddedLength(paddedBlocks()) : compactLength(compactBlocks());
    }

    /**
     * SACK blocks {@link #write} will include: as many of the set blocks as fit beside the other
     * options, first ones first (RFC 2018 section 4: the first block reports the latest data).
     */
    public int sackBlocksThatFit() {
        return paddedLayout() ? paddedBlocks() : compactBlocks();
    }

    /**
     * Writes the options at {@code offset} and returns the bytes written ({@link
     * #encodedLength()}). The usual layout is the one Linux sends, each option NOP-padded to a
     * 32-bit boundary so peers and middleboxes see nothing unusual:
     *
     * <pre>
     * MSS                      kind 2, len 4
     * SACK-permitted + TS      kind 4, len 2, kind 8, len 10, TSval, TSecr   (or NOP NOP and one of them)
     * window scale             NOP, kind 3, len 3, shift
     * SACK                     NOP, NOP, kind 5, len 2+8n, blocks
     * </pre>
     *
     * When packing the options back to back (NOPs only at the end) would carry more SACK blocks —
     * only in unusual combinations, such as MSS, timestamps and three SACK blocks together — they
     * are packed, so that whatever {@link #parse} accepted can be written again.
     */
    public int write(MemorySegment memory, long offset) {
        return paddedLayout() ? writePadded(memory, offset) : writeCompact(memory, offset);
    }

    private int writePadded(MemorySegment memory, long offset) {
        long at = offset;
        if (mss != ABSENT) {
            at = putMss(memory, at);
        }
        if (timestamps) {
            if (sackPermitted) {
                putU16(memory, at, (KIND_SACK_PERMITTED << 8) | 2);
            } else {
                putU16(memory, at, (KIND_NOP << 8) | KIND_NOP);
            }
            at = putTimestamps(memory, at + 2);
        } else if (sackPermitted) {
            putU16(memory, at, (KIND_NOP << 8) | KIND_NOP);
            putU16(memory, at + 2, (KIND_SACK_PERMITTED << 8) | 2);
            at += 4;
        }
        if (windowScale != ABSENT) {
            putU8(memory, at, KIND_NOP);
            at = putWindowScale(memory, at + 1);
        }
        int blocks = paddedBlocks();
        if (blocks > 0) {
            putU16(memory, at, (KIND_NOP << 8) | KIND_NOP);
            at = putSack(memory, at + 2, blocks);
        }
        return (int) (at - offset);
    }

    private int writeCompact(MemorySegment memory, long offset) {
        long at = offset;
        if (mss != ABSENT) {
            at = putMss(memory, at);
        }
        if (sackPermitted) {
            putU16(memory, at, (KIND_SACK_PERMITTED << 8) | 2);
            at += 2;
        }
        if (timestamps) {
            at = putTimestamps(memory, at);
        }
        if (windowScale != ABSENT) {
            at = putWindowScale(memory, at);
        }
        int blocks = compactBlocks();
        if (blocks > 0) {
            at = putSack(memory, at, blocks);
        }
        while (((at - offset) & 3) != 0) {
            putU8(memory, at++, KIND_NOP);
        }
        return (int) (at - offset);
    }

    private long putMss(MemorySegment memory, long at) {
        putU16(memory, at, (KIND_MSS << 8) | 4);
        putU16(memory, at + 2, mss);
        return at + 4;
    }

    private long putTimestamps(MemorySegment memory, long at) {
        putU16(memory, at, (KIND_TIMESTAMPS << 8) | 10);
        putU32(memory, at + 2, tsVal);
        putU32(memory, at + 6, tsEcr);
        return at + 10;
    }

    private long putWindowScale(MemorySegment memory, long at) {
        putU16(memory, at, (KIND_WINDOW_SCALE << 8) | 3);
        putU8(memory, at + 2, windowScale);
        return at + 3;
    }

    private long putSack(MemorySegment memory, long at, int blocks) {
        putU16(memory, at, (KIND_SACK << 8) | (2 + 8 * blocks));
        long block = at + 2;
        for (int i = 0; i < blocks; i++, block += 8) {
            putU32(memory, block, sackLeft[i]);
            putU32(memory, block + 4, sackRight[i]);
        }
        return block;
    }

    private boolean paddedLayout() {
        return paddedBlocks() >= compactBlocks();
    }

    private int paddedBlocks() {
        int blocks = sackBlockCount;
        while (blocks > 0 && paddedLength(blocks) > MAX_LENGTH) {
            blocks--;
        }
        return blocks;
    }

    private int compactBlocks() {
        int blocks = sackBlockCount;
        while (blocks > 0 && compactLength(blocks) > MAX_LENGTH) {
            blocks--;
        }
        return blocks;
    }

    private int paddedLength(int blocks) {
        return (mss != ABSENT ? 4 : 0)
                + (timestamps ? 12 : sackPermitted ? 4 : 0)
                + (windowScale != ABSENT ? 4 : 0)
                + (blocks == 0 ? 0 : 4 + 8 * blocks);
    }

    private int compactLength(int blocks) {
        int bytes = (mss != ABSENT ? 4 : 0)
                + (sackPermitted ? 2 : 0)
                + (timestamps ? 10 : 0)
                + (windowScale != ABSENT ? 3 : 0)
                + (blocks == 0 ? 0 : 2 + 8 * blocks);
        return (bytes + 3) & ~3;
    }

    /** Readable form for tests and logs (allocates), in tcpdump's style. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("<");
        if (mss != ABSENT) out.append("mss ").append(mss).append(',');
        if (sackPermitted) out.append("sackOK,");
        if (timestamps) {
            out.append("TS val ")
                    .append(Integer.toUnsignedString(tsVal))
                    .append(" ecr ")
                    .append(Integer.toUnsignedString(tsEcr))
                    .append(',');
        }
        if (windowScale != ABSENT) out.append("wscale ").append(windowScale).append(',');
        if (sackBlockCount > 0) {
            out.append("sack ").append(sackBlockCount);
            for (int i = 0; i < sackBlockCount; i++) {
                out.append(" {")
                        .append(Integer.toUnsignedString(sackLeft[i]))
                        .append(':')
                        .append(Integer.toUnsignedString(sackRight[i]))
                        .append('}');
            }
            out.append(',');
        }
        if (out.length() > 1) out.setLength(out.length() - 1);
        return out.append('>').toString();
    }
}
