package dev.ferry.sidecar.serve;

import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.afpacket.shard.RingLink;
import dev.ferry.afpacket.shard.ShardLoop;
import dev.ferry.afpacket.shard.ShardWork;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.stack.StackConfig;
import dev.ferry.tcp.stack.TcpStack;
import java.security.SecureRandom;

/**
 * One shard of {@code ferry serve}: a ring pair on the interface (in a fanout group with the other
 * shards, so a flow always lands on the same one), the TCP stack, and the loop that runs them on
 * one platform thread.
 */
final class ServeShard implements AutoCloseable {
    private final PacketSocket socket;
    private final TcpStack stack;
    private final ShardLoop loop;
    final ServeStats stats = new ServeStats();

    ServeShard(ServeOptions options, int index, StackConfig config) {
        PacketSocket.Builder b = PacketSocket.builder(options.interfaceName())
                .filter(TcpFilter.builder()
                        .localPorts(options.port())
                        .localAddresses(options.address())
                        // An address the kernel does not hold is Ferry's to answer ARP for.
                        .arp(!options.kernelOwnsAddress())
                        .build())
                .rxMode(RxMode.PEEK)
                .doorbell(true)
                .retireTimeoutMs(10)
                .vnetHeader(options.offload())
                .txRing(
                        options.offload() ? 1 << 17 : 1 << 12,
                        !options.txPath().ring() ? 0 : options.offload() ? 64 : 512);
        if (options.txPath().copy()) {
            // Room for a turn's answers (up to 256 frames) or a few GSO super-frames.
            b.sendBatch(1 << 20, 256);
        }
        if (options.shards() > 1) {
            b.fanout(options.fanoutGroup());
        }
        this.socket = b.open();
        RingLink link = new RingLink(socket);
        this.stack = new TcpStack(link, config, new SecureRandom(), System.nanoTime());
        Scratch scratch = Scratch.of(64 * 1024);
        HttpResponses responses = HttpResponses.withBody(options.bodyBytes());
        stack.listen(options.port(), listener -> {
            Stream s;
            while ((s = listener.accept()) != null) {
                stats.accepted();
                s.handler(Responder.create(options.mode(), stats, scratch, responses));
            }
        });
        // The stack receives inside its own poll (so every frame is handled with the time of the
        // turn that read it); the loop's own receive budget is therefore 0.
        ShardWork work = new ShardWork() {
            @Override
            public int doWork(long nowNs) {
                return stack.poll(nowNs);
            }

            @Override
            public long nextDeadlineNs() {
                return stack.nextDeadlineNs();
            }
        };
        this.loop = ShardLoop.builder(link, (m, o, l, c) -> {}, work)
                .frameBudget(0)
                .spinNs(options.spinNs())
                .coalesceNs(options.coalesceNs())
                .name("ferry-shard-" + index)
                .start();
        stack.onWakeupRequested(loop::wakeup);
    }

    TcpStack stack() {
        return stack;
    }

    PacketSocket socket() {
        return socket;
    }

    ShardLoop loop() {
        return loop;
    }

    @Override
    public void close() {
        loop.close();
        socket.close();
    }
}
