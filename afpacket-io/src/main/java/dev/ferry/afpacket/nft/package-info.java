/** Kernel silencing: nftables rules that keep the kernel from answering the flows Ferry captures. */
package dev.ferry.afpacket.nft;
