package dev.ferry.afpacket.internal;

/** Constants from the Linux UAPI headers (values are ABI: stable across kernels). */
public final class Kernel {
    private Kernel() {}

    // <linux/socket.h>, <asm-generic/socket.h>
    public static final int AF_PACKET = 17;
    public static final int SOCK_RAW = 3;
    public static final int SOCK_CLOEXEC = 0x80000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVBUF = 8;
    public static final int SO_ATTACH_FILTER = 26;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int SOL_PACKET = 263;

    // <linux/if_ether.h>
    public static final int ETH_P_ALL = 0x0003;
    public static final int ETH_P_IP = 0x0800;
    public static final int ETH_P_IPV6 = 0x86DD;
    public static final int ETH_HLEN = 14;

    // <linux/if_packet.h> socket options at SOL_PACKET
    public static final int PACKET_RX_RING = 5;
    public static final int PACKET_STATISTICS = 6;
    public static final int PACKET_VERSION = 10;
    public static final int PACKET_TX_RING = 13;
    public static final int PACKET_LOSS = 14;
    public static final int PACKET_VNET_HDR = 15;
    public static final int PACKET_FANOUT = 18;
    public static final int PACKET_QDISC_BYPASS = 20;
    public static final int PACKET_IGNORE_OUTGOING = 23;
    public static final int TPACKET_V3 = 2;
    public static final int PACKET_FANOUT_HASH = 0;

    // tp_status bits on the RX ring
    public static final int TP_STATUS_KERNEL = 0;
    public static final int TP_STATUS_USER = 1;
    public static final int TP_STATUS_COPY = 1 << 1;
    public static final int TP_STATUS_LOSING = 1 << 2;
    public static final int TP_STATUS_CSUMNOTREADY = 1 << 3;
    public static final int TP_STATUS_VLAN_VALID = 1 << 4;
    public static final int TP_STATUS_BLK_TMO = 1 << 5;
    public static final int TP_STATUS_CSUM_VALID = 1 << 7;
    /** Set on GSO TCP super-frames; missing from older userspace headers. */
    public static final int TP_STATUS_GSO_TCP = 1 << 8;

    // tp_status values on the TX ring
    public static final int TP_STATUS_AVAILABLE = 0;
    public static final int TP_STATUS_SEND_REQUEST = 1;
    public static final int TP_STATUS_SENDING = 1 << 1;
    public static final int TP_STATUS_WRONG_FORMAT = 1 << 2;

    /** TPACKET_ALIGNMENT: frames and the frame header are aligned to this. */
    public static final int TPACKET_ALIGNMENT = 16;

    // <sys/mman.h>
    public static final int PROT_NONE = 0;
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int MAP_SHARED = 1;
    public static final int MAP_PRIVATE = 2;
    public static final int MAP_FIXED = 0x10;
    public static final int MAP_ANONYMOUS = 0x20;
    public static final int MAP_NORESERVE = 0x4000;
    public static final int MAP_LOCKED = 0x2000;
    public static final int MAP_POPULATE = 0x8000;

    // <poll.h>
    public static final short POLLIN = 0x001;
    public static final short POLLERR = 0x008;

    // <sys/eventfd.h>
    public static final int EFD_CLOEXEC = 0x80000;
    public static final int EFD_NONBLOCK = 0x800;

    // <linux/sockios.h>
    public static final long SIOCGIFMTU = 0x8921;

    // <linux/virtio_net.h>
    public static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    public static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;
    public static final int VIRTIO_NET_HDR_GSO_NONE = 0;
    public static final int VIRTIO_NET_HDR_GSO_TCPV4 = 1;
    public static final int VIRTIO_NET_HDR_GSO_TCPV6 = 4;

    // errno values (asm-generic/errno-base.h, errno.h)
    public static final int EPERM = 1;
    public static final int EINTR = 4;
    public static final int ENXIO = 6;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int EMSGSIZE = 90;
    public static final int ENETDOWN = 100;
    public static final int ENOBUFS = 105;

    public static int tpacketAlign(int x) {
        return (x + TPACKET_ALIGNMENT - 1) & -TPACKET_ALIGNMENT;
    }
}
