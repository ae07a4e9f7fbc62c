package dev.ferry.tcp.link;

import java.lang.foreign.MemorySegment;

/**
 * The engine's view of a network device: a place frames come from and go to. Implemented over
 * AF_PACKET rings by {@code afpacket-io} and in memory by {@link MemoryLink} for tests.
 *
 * <p>Confined to one shard thread: no method is thread-safe.
 *
 * <p>Transmit is claim / write / commit / flush, so frames are built in place (in the TX ring)
 * and handed to the device in batches:
 *
 * <pre>{@code
 * long at = link.claimTx(len);          // -1: ring full, try after the next flush
 * ... write the Ethernet frame into link.txMemory() at [at, at + len) ...
 * link.commitTx(at, len);               // or commitTxOffloaded(...) for GSO / partial checksums
 * link.flushTx();                       // once per shard-loop turn
 * }</pre>
 */
public interface Link {
    /** This link's Ethernet address, as 48 bits in the low bits of a long (network order). */
    long macAddress();

    /** The IP MTU (1500 on a default veth): a frame without GSO carries at most this many IP bytes. */
    int mtu();

    /**
     * The largest TCP payload the engine may put in one frame. Equal to the MSS for the MTU when
     * the link cannot segment; up to ~64 KB when it can ({@link #commitTxOffloaded}).
     */
    int maxTxPayload();

    /** True when {@link #commitTxOffloaded} may be used (segmentation and checksum offload). */
    boolean txOffload();

    /**
     * Hands every frame received so far, up to {@code budget} frames, to {@code receiver}, and
     * returns how many it handed over. Never blocks.
     */
    int receive(FrameReceiver receiver, int budget);

    /** The memory transmit slots live in; {@link #claimTx} returns offsets into it. */
    MemorySegment txMemory();

    /**
     * Claims room for one frame of up to {@code maxLength} bytes. Returns the offset in {@link
     * #txMemory()} where the Ethernet header goes, or -1 when no slot is free (counted by the link;
     * the caller keeps its data and retries after {@link #flushTx}).
     */
    long claimTx(int maxLength);

    /** Queues the frame written at {@code offset}: all checksums are complete. */
    void commitTx(long offset, int length);

    /**
     * Queues a frame whose TCP checksum field holds only the pseudo-header sum, for the device to
     * finish, and which the device cuts into segments of {@code segmentSize} payload bytes when the
     * payload is longer (GSO). Only valid when {@link #txOffload()} is true.
     *
     * @param l4Offset    offset of the TCP header from the frame start
     * @param headerLength Ethernet + IP + TCP header bytes
     * @param segmentSize payload bytes per segment on the wire (the MSS); 0 when no segmentation
     * @param ipv6        the frame carries IPv6
     */
    void commitTxOffloaded(long offset, int length, int l4Offset, int headerLength, int segmentSize, boolean ipv6);

    /** Hands queued frames to the device (one system call for AF_PACKET). */
    void flushTx();
}
