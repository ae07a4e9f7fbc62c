/**
 * Keyed hashing of 4-tuples: SipHash, and the RFC 6528 initial sequence numbers built on it.
 */
package dev.ferry.tcp.isn;
