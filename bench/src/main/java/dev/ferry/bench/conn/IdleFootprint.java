package dev.ferry.bench.conn;

import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.NewReno;
import dev.ferry.tcp.conn.RttEstimator;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import java.lang.management.ManagementFactory;
import javax.management.ObjectName;

/**
 * Heap footprint of idle established streams: opens N connection pairs, moves a little data each
 * way (so buffers were used and given back), lets them go idle, and prints the class histogram
 * rows of the per-connection classes.
 *
 * <pre>java -cp bench/target/benchmarks.jar dev.ferry.bench.conn.IdleFootprint 100000</pre>
 */
public final class IdleFootprint {
    private IdleFootprint() {}

    public static void main(String[] args) throws Exception {
        int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        TcpConfig config = TcpConfig.defaults();
        BufferPool pool = new BufferPool(16_384, 1024, BufferPool.Memory.NATIVE);
        Pair[] all = new Pair[pairs];
        Pair.Wire wire = new Pair.Wire();
        byte[] hello = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        for (int i = 0; i < pairs; i++) {
            Pair pair = new Pair(config, pool, wire);
            pair.client.connection.write(hello, 0, hello.length);
            pair.run();
            pair.server.connection.write(hello, 0, hello.length);
            pair.run();
            pair.nowNs += 100_000_000L; // delayed ACKs fire; everything is acknowledged
            pair.timers();
            all[i] = pair;
        }
        long inUse = pool.chunksInUse();
        System.out.printf("%d idle pairs (%d connections); buffer chunks in use: %d%n", pairs, 2 * pairs, inUse);
        String histogram = (String) ManagementFactory.getPlatformMBeanServer()
                .invoke(
                        new ObjectName("com.sun.management:type=DiagnosticCommand"),
                        "gcClassHistogram",
                        new Object[] {null},
                        new String[] {String[].class.getName()});
        for (String line : histogram.split("\n")) {
            if (line.contains(TcpConnection.class.getName())
                    || line.contains(RttEstimator.class.getName())
                    || line.contains(NewReno.class.getName())
                    || line.contains("dev.ferry.tcp.conn.Transfer")
                    || line.contains("num ")) {
                System.out.println(line);
            }
        }
        System.out.println("kept alive: " + all.length);
    }
}
