package dev.ferry.sidecar.serve;

import dev.ferry.afpacket.PacketSocket;
import dev.ferry.afpacket.RxMode;
import dev.ferry.afpacket.bpf.TcpFilter;
import dev.ferry.afpacket.shard.RingLink;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.stack.StackConfig;
import dev.ferry.tcp.stack.TcpStack;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * The engine as a TCP client inside the pod namespace: a ring pair on {@code veth0}, a stack that
 * holds {@link PodNet#FERRY_OWNED_V4} (an address the pod's kernel does not have, so the kernel
 * neither answers for it nor resets its flows) and finds its peers with ARP. The test's own thread
 * is the shard: it opens connections and then turns the stack until the handlers say they are done.
 */
final class EngineClient implements AutoCloseable {
    private final PacketSocket socket;
    private final TcpStack stack;

    EngineClient(PodNet net) {
        Inet4Address owned = ipv4(PodNet.FERRY_OWNED_V4);
        this.socket = net.pod.call(() -> PacketSocket.builder(PodNet.POD_IF)
                .filter(TcpFilter.builder().localAddresses(owned).arp(true).build())
                .rxMode(RxMode.PEEK)
                .retireTimeoutMs(10)
                .vnetHeader(true)
                .txRing(1 << 17, 64)
                .open());
        this.stack = new TcpStack(
                new RingLink(socket),
                StackConfig.builder().ownedAddress(owned, 24).build(),
                new SecureRandom(),
                System.nanoTime());
    }

    /** Opens a connection to {@code host:port}; {@code handler} hears how it goes. */
    Stream connect(String host, int port, StreamHandler handler) {
        return stack.connect(ipv4(host), port, handler, System.nanoTime());
    }

    /** Turns the stack on this thread until {@code done}; fails after {@code timeout}, saying {@code what}. */
    void runUntil(BooleanSupplier done, Duration timeout, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not done after " + timeout + ": " + what.get() + "\n" + describe());
            }
            if (stack.poll(System.nanoTime()) == 0) {
                socket.awaitRx(1);
            }
        }
    }

    TcpStack stack() {
        return stack;
    }

    /** The stack's connections and counters, for failure messages. */
    String describe() {
        StringBuilder b = new StringBuilder("engine connections:\n");
        stack.forEachConnection(c -> b.append("  ").append(c).append('\n'));
        b.append("stack counters: ").append(stack.counters()).append('\n');
        b.append("tcp counters: ").append(stack.tcpCounters()).append('\n');
        b.append("malformed: ").append(stack.malformed()).append('\n');
        b.append("ring: ").append(socket.statistics());
        return b.toString();
    }

    static Inet4Address ipv4(String address) {
        try {
            return (Inet4Address) InetAddress.getByName(address);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
