/**
 * The stack's keyed secrets: SipHash, and what is built on it: RFC 6528 initial sequence numbers,
 * RFC 7323 timestamp offsets per host pair and RFC 6056 ephemeral ports.
 */
package dev.ferry.tcp.isn;
