/**
 * AF_PACKET TPACKET_V3 rings driven through FFM: {@link dev.ferry.afpacket.PacketSocket} (the socket
 * and its builder), {@link dev.ferry.afpacket.RxRing} (zero-copy block walk, optionally peeking
 * into the block the kernel is filling), {@link dev.ferry.afpacket.TxRing} (frames built in place,
 * one sendto per flush), {@link dev.ferry.afpacket.Doorbell} (per-packet wake-ups for a peeking
 * ring) and {@link dev.ferry.afpacket.RingStatistics} (PACKET_STATISTICS). All native code lives in
 * {@code dev.ferry.afpacket.internal}.
 */
package dev.ferry.afpacket;
