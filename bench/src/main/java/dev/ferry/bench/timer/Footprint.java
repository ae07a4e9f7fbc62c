package dev.ferry.bench.timer;

import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.flow.FlowTable;
import dev.ferry.tcp.timer.TimingWheel;
import dev.ferry.tcp.wire.Addresses;
import java.util.SplittableRandom;

/**
 * Bytes per armed timer and per flow, counted two ways: from the arrays' sizes, and from the heap
 * in use before and after building the structures. With {@code --hold} it then sleeps so that
 * {@code jcmd <pid> GC.class_histogram} can confirm where the bytes are.
 *
 * <p>Run: {@code java -cp bench/target/benchmarks.jar dev.ferry.bench.timer.Footprint [--hold]}
 */
public final class Footprint {
    private Footprint() {}

    public static void main(String[] args) throws InterruptedException {
        int timers = 10_000_000;
        int flows = 1_000_000;
        SplittableRandom random = new SplittableRandom(1);

        long before = usedHeap();
        TimingWheel wheel = new TimingWheel(timers, 0);
        for (int id = 0; id < timers; id++) {
            wheel.arm(id, random.nextLong(1, 3_600_000_000_000L));
        }
        long afterWheel = usedHeap();
        FlowRecords<Object> records = new FlowRecords<>(flows);
        FlowTable table = new FlowTable(records, new SplittableRandom(2), flows);
        for (int i = 0; i < flows; i++) {
            table.insert(records.add(Footprint.class, 0, 0, Addresses.ipv4MappedLo(i), 8080, i, 0));
        }
        long afterFlows = usedHeap();

        System.out.printf(
                "timing wheel: %,d armed, arrays %,d B (%.1f B/entry), heap growth %.1f B/entry%n",
                wheel.size(),
                wheel.footprintBytes(),
                (double) wheel.footprintBytes() / timers,
                (double) (afterWheel - before) / timers);
        System.out.printf(
                "flow table + records: %,d flows in %,d slots, arrays %,d B (%.1f B/flow), heap growth %.1f B/flow%n",
                table.size(),
                table.slots(),
                table.footprintBytes() + records.footprintBytes(),
                (double) (table.footprintBytes() + records.footprintBytes()) / flows,
                (double) (afterFlows - afterWheel) / flows);
        if (args.length > 0 && args[0].equals("--hold")) {
            System.out.println("pid " + ProcessHandle.current().pid() + ": holding for 60 s");
            Thread.sleep(60_000);
        }
        System.out.println(wheel.size() + table.size() > 0 ? "done" : "");
    }

    private static long usedHeap() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }
}
