package dev.ferry.bench.memory;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.link.MemoryLink;
import dev.ferry.tcp.stack.StackConfig;
import dev.ferry.tcp.stack.TcpStack;
import java.lang.management.ManagementFactory;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import javax.management.ObjectName;

/**
 * Heap held per idle stream: one server stack and several client stacks joined in memory open N
 * connections, exchange one small request and response on each, and go idle; then a full GC and
 * a heap histogram tell what the connections hold. Both ends of each connection live in this heap
 * and hold the same kinds of state, so the heap growth is divided by 2N.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.ferry.bench.memory.IdleStreamFootprint 100000</pre>
 */
public final class IdleStreamFootprint {
    private static final int CLIENTS = 8;
    private static final int PORT = 80;

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        long before = usedHeapAfterGc();

        MemoryLink serverLink = link(0x02_00_00_00_01_00L);
        TcpStack server = new TcpStack(serverLink, config("10.9.0.1"), new SplittableRandom(1), 0);
        List<TcpStack> clients = new ArrayList<>();
        List<MemoryLink> clientLinks = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            MemoryLink l = link(0x02_00_00_00_02_00L + i);
            l.connectTo(serverLink::inject);
            clientLinks.add(l);
            clients.add(new TcpStack(l, config("10.9.1." + (i + 1)), new SplittableRandom(2 + i), 0));
        }
        // The server's frames go to the client whose MAC they carry: a switch.
        serverLink.connectTo(
                (frame, checksum) -> clientLinks.get(frame[5] & 0xff).inject(frame, checksum));

        Counter counter = new Counter();
        server.listen(PORT, listener -> {
            Stream s;
            while ((s = listener.accept()) != null) {
                s.handler(counter);
            }
        });
        InetAddress serverAddress = InetAddress.getByName("10.9.0.1");
        long nowNs = 0;
        // In batches, each finished before the next starts, so buffer chunks in use (and kept by
        // the pools for reuse) stay at a batch's worth: what is left is what idle streams hold.
        for (int i = 0; i < n; i++) {
            clients.get(i % CLIENTS).connect(serverAddress, PORT, counter, nowNs);
            if (i % 256 == 255 || i == n - 1) {
                while (counter.answered < i + 1) {
                    nowNs = pump(server, clients, nowNs);
                }
                nowNs = pump(server, clients, nowNs + 50_000_000L); // the clients' delayed ACKs
            }
        }
        for (int i = 0; i < 50; i++) {
            nowNs = pump(server, clients, nowNs + 50_000_000L); // delayed ACKs and the like settle
        }
        long after = usedHeapAfterGc();
        long perEnd = (after - before) / (2L * n);
        System.out.printf(
                "%d idle connections (%d ends): heap grew %.1f MB, %d bytes per connection end%n",
                n, 2 * n, (after - before) / 1e6, perEnd);
        System.out.printf(
                "server: %d flows, %d buffer chunks in use (%d created); clients: %d flows%n",
                server.flowCount(),
                server.bufferPool().chunksInUse(),
                server.bufferPool().chunksCreated(),
                clients.stream().mapToInt(TcpStack::flowCount).sum());
        System.out.printf(
                "server tables (flow table, flow records, timing wheel): %d bytes per flow%n",
                server.tableFootprintBytes() / server.flowCount());
        System.out.println("largest classes (GC.class_histogram):");
        String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {new String[0]},
                        new String[] {String[].class.getName()});
        histogram.lines().limit(16).forEach(System.out::println);
        // The side object only some streams allocate: none should be left by plain idle streams.
        long extras = histogram
                .lines()
                .filter(line -> line.endsWith(" dev.ferry.tcp.conn.ConnectionExtras"))
                .mapToLong(line -> Long.parseLong(line.trim().split("\\s+")[1]))
                .sum();
        System.out.printf("connections holding a ConnectionExtras: %d%n", extras);
        // Keep everything reachable until the histogram is taken.
        if (server.flowCount() + clients.size() == 42) {
            System.out.println(clients);
        }
    }

    private static long pump(TcpStack server, List<TcpStack> clients, long nowNs) {
        nowNs += 10_000;
        for (int round = 0; round < 4; round++) {
            for (TcpStack c : clients) {
                c.poll(nowNs);
            }
            server.poll(nowNs);
        }
        return nowNs;
    }

    private static MemoryLink link(long mac) {
        return new MemoryLink(mac, 1500, 1460, false, 4096);
    }

    private static StackConfig config(String address) throws Exception {
        return StackConfig.builder()
                .ownedAddress((Inet4Address) InetAddress.getByName(address), 16)
                .budgets(1 << 16, 1 << 16)
                .build();
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /**
     * One stateless handler shared by every stream of both sides, so the application adds nothing
     * per stream: a client writes 100 bytes when it opens; the server answers each 100 bytes with
     * 100 bytes; a client counts its answer.
     */
    private static final class Counter implements StreamHandler {
        private static final byte[] MESSAGE = new byte[100];
        private final byte[] scratch = new byte[4096];
        int answered;

        @Override
        public void onOpen(Stream stream) {
            if (!isServerSide(stream)) {
                stream.write(MESSAGE, 0, MESSAGE.length);
            }
        }

        @Override
        public void onData(Stream stream, int readable) {
            int got = stream.read(scratch, 0, scratch.length);
            if (got <= 0) {
                return;
            }
            if (isServerSide(stream)) {
                stream.write(scratch, 0, got);
            } else {
                answered++;
            }
        }

        private static boolean isServerSide(Stream stream) {
            return ((dev.ferry.tcp.conn.TcpConnection) stream).isPassive();
        }

        @Override
        public void onClosed(Stream stream, CloseReason reason) {}
    }
}
