/**
 * Every native call and kernel structure of Ferry: {@link java.lang.foreign.Linker} downcalls with
 * errno captured, and the kernel's structs as layouts named field by field after
 * {@code include/uapi/linux/if_packet.h}, {@code if_ether.h}, {@code filter.h} and {@code
 * virtio_net.h}. Nothing outside this package touches {@code Linker}, raw addresses or {@code
 * reinterpret}. Not an API: the public types are in {@code dev.ferry.afpacket}.
 */
package dev.ferry.afpacket.internal;
