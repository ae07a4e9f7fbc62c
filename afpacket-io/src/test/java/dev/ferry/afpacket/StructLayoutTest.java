package dev.ferry.afpacket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.afpacket.internal.MmsgHdr;
import dev.ferry.afpacket.internal.SockFprog;
import dev.ferry.afpacket.internal.SockaddrLl;
import dev.ferry.afpacket.internal.Tpacket3Hdr;
import dev.ferry.afpacket.internal.TpacketBlockDesc;
import dev.ferry.afpacket.internal.TpacketReq3;
import dev.ferry.afpacket.internal.TpacketStatsV3;
import dev.ferry.afpacket.internal.VirtioNetHdr;
import org.junit.jupiter.api.Test;

/** The layouts match the kernel's UAPI structs byte for byte (offsets from linux/if_packet.h). */
class StructLayoutTest {
    @Test
    void blockDescriptorAndFrameHeader() {
        assertThat(TpacketBlockDesc.BLOCK_STATUS_OFFSET).isEqualTo(8);
        assertThat(TpacketBlockDesc.NUM_PKTS_OFFSET).isEqualTo(12);
        assertThat(TpacketBlockDesc.OFFSET_TO_FIRST_PKT_OFFSET).isEqualTo(16);
        assertThat(TpacketBlockDesc.BLK_LEN_OFFSET).isEqualTo(20);
        assertThat(TpacketBlockDesc.SEQ_NUM_OFFSET).isEqualTo(24);
        assertThat(TpacketBlockDesc.FIRST_FRAME_OFFSET).isEqualTo(48);

        assertThat(Tpacket3Hdr.LAYOUT.byteSize()).isEqualTo(48);
        assertThat(Tpacket3Hdr.TP_NEXT_OFFSET_OFFSET).isZero();
        assertThat(Tpacket3Hdr.TP_SNAPLEN_OFFSET).isEqualTo(12);
        assertThat(Tpacket3Hdr.TP_LEN_OFFSET).isEqualTo(16);
        assertThat(Tpacket3Hdr.TP_STATUS_OFFSET).isEqualTo(20);
        assertThat(Tpacket3Hdr.TP_MAC_OFFSET).isEqualTo(24);
        assertThat(Tpacket3Hdr.TP_NET_OFFSET).isEqualTo(26);
        assertThat(Tpacket3Hdr.HDRLEN).isEqualTo(68);
        assertThat(Tpacket3Hdr.TX_DATA_OFFSET).isEqualTo(48);
        // The kernel puts the Ethernet header at 82 (92 behind a virtio_net_hdr) on this setup.
        assertThat(Tpacket3Hdr.rxMacOffset(false)).isEqualTo(82);
        assertThat(Tpacket3Hdr.rxMacOffset(true)).isEqualTo(92);
    }

    @Test
    void requestAddressStatsFilterAndVirtioHeader() {
        assertThat(TpacketReq3.LAYOUT.byteSize()).isEqualTo(28);
        assertThat(SockaddrLl.LAYOUT.byteSize()).isEqualTo(20);
        assertThat(TpacketStatsV3.LAYOUT.byteSize()).isEqualTo(12);
        assertThat(SockFprog.SOCK_FILTER.byteSize()).isEqualTo(8);
        assertThat(SockFprog.LAYOUT.byteSize()).isEqualTo(16);
        assertThat(VirtioNetHdr.SIZE).isEqualTo(10);
        assertThat(VirtioNetHdr.CSUM_START_OFFSET).isEqualTo(6);
        assertThat(VirtioNetHdr.CSUM_OFFSET_OFFSET).isEqualTo(8);
    }

    @Test
    void sendmmsgMessagesAndIovecs() {
        // struct mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; } on LP64 (linux/socket.h).
        assertThat(MmsgHdr.MSGHDR.byteSize()).isEqualTo(56);
        assertThat(MmsgHdr.SIZE).isEqualTo(64);
        assertThat(MmsgHdr.MSG_IOV_OFFSET).isEqualTo(16);
        assertThat(MmsgHdr.MSG_IOVLEN_OFFSET).isEqualTo(24);
        assertThat(MmsgHdr.MSG_LEN_OFFSET).isEqualTo(56);
        assertThat(MmsgHdr.IOVEC_SIZE).isEqualTo(16);
        assertThat(MmsgHdr.IOV_LEN_OFFSET).isEqualTo(8);
    }
}
