/**
 * What a shard runs on: {@link dev.ferry.afpacket.shard.RingLink}, the engine's {@link
 * dev.ferry.tcp.link.Link} over a packet socket's rings, and {@link
 * dev.ferry.afpacket.shard.ShardLoop}, the duty cycle (receive, timers, one flush, idle) on a
 * platform thread.
 */
package dev.ferry.afpacket.shard;
