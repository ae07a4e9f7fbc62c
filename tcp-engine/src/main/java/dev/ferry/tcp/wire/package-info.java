/**
 * Wire formats: parse and emit, no behaviour.
 *
 * <p>Receive: {@link dev.ferry.tcp.wire.FrameParser} reads Ethernet (VLAN tags skipped), then ARP or
 * IPv4/IPv6 and TCP, into a reusable {@link dev.ferry.tcp.wire.ParsedFrame}, and returns a {@link
 * dev.ferry.tcp.wire.Malformed} reason for anything it drops (count them with {@link
 * dev.ferry.tcp.wire.MalformedCounts}). Transmit: {@link dev.ferry.tcp.wire.FrameBuilder} writes a
 * {@link dev.ferry.tcp.wire.SegmentSpec} in place and completes or offloads the checksums.
 *
 * <p>The header classes are flyweights over a {@link java.lang.foreign.MemorySegment} and an
 * absolute offset, never a slice (a slice per packet would allocate). Each one states the same
 * contract: its checked {@code wrap} looks at the lengths once, and after it returned {@code NONE}
 * no accessor can fail or read outside the frame. Fields are read big-endian and unaligned, since
 * frames start at odd offsets in the receive ring. Nothing here allocates per frame, logs, or
 * throws because of what a peer sent.
 *
 * <p>{@link dev.ferry.tcp.wire.TcpSegment} is the same segment as an immutable value, for tests and
 * slow paths.
 *
 * <p>Not supported yet, each a counted drop: IPv4 fragments (not reassembled), IPv6 extension
 * headers (TCP must follow the fixed header), IPv4 "BIG TCP" super-frames whose total length field
 * is 0.
 */
package dev.ferry.tcp.wire;
