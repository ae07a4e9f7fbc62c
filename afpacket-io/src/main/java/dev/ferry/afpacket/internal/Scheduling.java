package dev.ferry.afpacket.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Puts the calling thread under SCHED_FIFO (sched_setscheduler with pid 0 = this thread), for
 * latency measurements on a shared machine. A FIFO thread that spins starves everything else on
 * its CPU (the kernel's RT throttling leaves others 5%): opt-in only.
 */
public final class Scheduling {
    private static final int SCHED_FIFO = 1;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SCHED_SETSCHEDULER = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_setscheduler").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));

    private Scheduling() {}

    /** Makes the calling thread SCHED_FIFO at {@code priority} (1..99); throws when not permitted. */
    public static void currentThreadFifo(int priority) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment param = arena.allocateFrom(JAVA_INT, priority);
            int rc = (int) SCHED_SETSCHEDULER.invokeExact(st, 0, SCHED_FIFO, param);
            Native.check(rc, st, "sched_setscheduler(SCHED_FIFO, " + priority + ")", null, null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }
}
