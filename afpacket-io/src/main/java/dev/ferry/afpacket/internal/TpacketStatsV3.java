package dev.ferry.afpacket.internal;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.StructLayout;

/**
 * {@code struct tpacket_stats_v3}, read with getsockopt(PACKET_STATISTICS). The kernel resets the
 * counters on every read, so callers accumulate. {@code tp_packets} counts every frame offered to
 * the socket including the dropped ones.
 *
 * <pre>  0 tp_packets   4 tp_drops   8 tp_freeze_q_cnt      (12 bytes)</pre>
 */
public final class TpacketStatsV3 {
    public static final StructLayout LAYOUT = MemoryLayout.structLayout(
            JAVA_INT.withName("tp_packets"), JAVA_INT.withName("tp_drops"), JAVA_INT.withName("tp_freeze_q_cnt"));

    public static final long TP_PACKETS_OFFSET = LAYOUT.byteOffset(groupElement("tp_packets"));
    public static final long TP_DROPS_OFFSET = LAYOUT.byteOffset(groupElement("tp_drops"));
    public static final long TP_FREEZE_Q_CNT_OFFSET = LAYOUT.byteOffset(groupElement("tp_freeze_q_cnt"));

    private TpacketStatsV3() {}
}
