package dev.ferry.afpacket.shard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.internal.Kernel;
import dev.ferry.tcp.link.RxChecksum;
import org.junit.jupiter.api.Test;

class RingLinkChecksumTest {
    @Test
    void theKernelsChecksumWordsMapToWhatTheEngineNeeds() {
        int user = Kernel.TP_STATUS_USER;
        assertThat(RingLink.checksumOf(user | Kernel.TP_STATUS_CSUM_VALID, 0)).isEqualTo(RxChecksum.VERIFIED);
        assertThat(RingLink.checksumOf(user | Kernel.TP_STATUS_CSUMNOTREADY, 0)).isEqualTo(RxChecksum.PARTIAL);
        assertThat(RingLink.checksumOf(user | Kernel.TP_STATUS_CSUMNOTREADY | Kernel.TP_STATUS_GSO_TCP, 0))
                .isEqualTo(RxChecksum.PARTIAL);
        assertThat(RingLink.checksumOf(user, Kernel.VIRTIO_NET_HDR_F_NEEDS_CSUM))
                .isEqualTo(RxChecksum.PARTIAL);
        assertThat(RingLink.checksumOf(user, Kernel.VIRTIO_NET_HDR_F_DATA_VALID))
                .isEqualTo(RxChecksum.VERIFIED);
        assertThat(RingLink.checksumOf(user, 0)).isEqualTo(RxChecksum.UNKNOWN);
        assertThat(RingLink.checksumOf(user | Kernel.TP_STATUS_LOSING | Kernel.TP_STATUS_VLAN_VALID, 0))
                .isEqualTo(RxChecksum.UNKNOWN);
    }
}
