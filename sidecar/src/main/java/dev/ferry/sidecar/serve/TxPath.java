package dev.ferry.sidecar.serve;

import dev.ferry.sidecar.cli.Args;
import java.util.Locale;

/** How {@code ferry serve} hands frames to the kernel (see {@code RingLink}). */
enum TxPath {
    /** Every frame through the TX ring (zero copy into the kernel, copied again at a veth crossing). */
    RING,
    /** Every frame staged in plain memory and sent with sendmmsg (GSO super-frames too). */
    COPY,
    /** Frames the device takes unsegmented by copy, GSO super-frames through the TX ring. */
    MIXED;

    static TxPath parse(String s) {
        try {
            return valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new Args.UsageException("serve: --tx must be ring, copy or mixed, not '" + s + "'");
        }
    }

    boolean ring() {
        return this != COPY;
    }

    boolean copy() {
        return this != RING;
    }
}
