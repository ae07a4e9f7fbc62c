package dev.ferry.tcp.wire;

/**
 * Why a received frame was dropped by the wire layer, or {@link #NONE} when it was accepted. One
 * constant per reason so that each can have its own counter ({@link MalformedCounts}): the data
 * path never throws or logs because of what a peer sent.
 */
public enum Malformed {
    /** The frame was accepted. */
    NONE,
    /** Shorter than an Ethernet header (14 bytes), or than the VLAN tags it announces. */
    ETHERNET_TRUNCATED,
    /** An ethertype other than IPv4, IPv6 or ARP (after at most two VLAN tags). */
    UNSUPPORTED_ETHERTYPE,
    /** ARP shorter than its 28-byte Ethernet/IPv4 form. */
    ARP_TRUNCATED,
    /** ARP for another hardware or protocol type, or with other address lengths. */
    ARP_UNSUPPORTED,
    /** The ethertype said IPv4 or IPv6 but the version nibble disagrees. */
    BAD_IP_VERSION,
    /** Fewer bytes than the fixed IPv4 (20) or IPv6 (40) header. */
    IP_TRUNCATED,
    /** IPv4 header length below 5 words, or beyond the IP total length. */
    BAD_IHL,
    /** The IP length fields claim more bytes than the frame holds. */
    IP_LENGTH_BEYOND_FRAME,
    /** IPv4 fragment (MF set or a fragment offset): fragments are not reassembled. */
    FRAGMENT,
    /** The IPv4 header checksum does not verify. */
    BAD_IPV4_CHECKSUM,
    /** An IPv6 extension header before the transport header: not supported yet. */
    IPV6_EXTENSION_HEADER,
    /** A transport protocol other than TCP. */
    NOT_TCP,
    /** Fewer than 20 bytes of TCP header. */
    TCP_TRUNCATED,
    /** TCP data offset below 5 words or beyond the segment. */
    BAD_TCP_DATA_OFFSET,
    /** The TCP checksum does not verify (RFC 9293 section 3.1, MUST-3: receivers check it). */
    BAD_TCP_CHECKSUM,
    /**
     * A TCP option whose length byte is missing, below 2, runs past the header, or is wrong for
     * the option's kind (RFC 9293 section 3.2, MUST-7).
     */
    BAD_OPTION_LENGTH;

    private static final Malformed[] VALUES = values();

    /** All constants, without the copy {@code values()} makes. */
    static Malformed[] all() {
        return VALUES;
    }
}
