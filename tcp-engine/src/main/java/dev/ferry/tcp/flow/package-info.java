/**
 * Finding a connection for a segment: the flow records (every flow's key, next hop and handler by
 * int id, the one copy of each key), the flow table that indexes them by key under a keyed hash,
 * and the listener table for SYNs to no known flow. Remote addresses are two {@code long}s, IPv4
 * mapped into IPv6 ({@link dev.ferry.tcp.wire.Addresses}); the local address is the shard's index
 * of it. {@link dev.ferry.tcp.flow.SlotTable} gives other small sets (listeners) int ids.
 */
package dev.ferry.tcp.flow;
