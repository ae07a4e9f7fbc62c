package dev.ferry.afpacket.bpf;

/** A filter for measuring tools and tests: IPv4 UDP datagrams to one port. */
public final class UdpFilter {
    private UdpFilter() {}

    /** Keeps whole IPv4 UDP datagrams to {@code port}. */
    public static BpfProgram to(int port) {
        return new BpfAssembler()
                .loadHalf(12)
                .jumpIfEqual(0x0800, BpfAssembler.NEXT, "drop")
                .loadByte(23)
                .jumpIfEqual(17, BpfAssembler.NEXT, "drop")
                .loadIpv4HeaderLength(14)
                .loadHalfIndexed(16)
                .jumpIfEqual(port, BpfAssembler.NEXT, "drop")
                .ret(BpfProgram.WHOLE_FRAME)
                .label("drop")
                .ret(0)
                .assemble();
    }
}
