/**
 * ARP for the addresses the stack owns: a neighbor table (IPv4 to MAC, with expiry) and the policy
 * of what to answer, learn and ask. Frames are parsed and built by {@code dev.ferry.tcp.wire}.
 */
package dev.ferry.tcp.arp;
