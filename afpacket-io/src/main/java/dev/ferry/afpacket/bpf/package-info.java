/**
 * Classic BPF programs for packet-socket filters: {@link dev.ferry.afpacket.bpf.TcpFilter} builds
 * "TCP to these local ports (and addresses), IPv4 and IPv6"; {@link
 * dev.ferry.afpacket.bpf.BpfAssembler} is the small label-resolving assembler underneath.
 */
package dev.ferry.afpacket.bpf;
