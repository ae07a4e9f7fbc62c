/**
 * Finding a connection for a segment: the 4-tuple flow table, the listener table for SYNs to no
 * known flow, and the slot table that gives each connection the int id the other tables use.
 * Addresses are two {@code long}s, IPv4 mapped into IPv6 ({@link dev.ferry.tcp.flow.Addresses}).
 */
package dev.ferry.tcp.flow;
