package dev.ferry.afpacket.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Scheduling of the calling thread: SCHED_FIFO (sched_setscheduler with pid 0 = this thread), for
 * latency measurements on a shared machine, and its timer slack. A FIFO thread that spins starves everything else on
 * its CPU (the kernel's RT throttling leaves others 5%): opt-in only.
 */
public final class Scheduling {
    private static final int SCHED_FIFO = 1;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SCHED_SETSCHEDULER = LINKER.downcallHandle(
            LINKER.defaultLookup().find("sched_setscheduler").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.ADDRESS),
            Linker.Option.captureCallState("errno"));

    /** prctl(2) option: the calling thread's timer slack in ns (linux/prctl.h). */
    private static final int PR_SET_TIMERSLACK = 29;

    private static final MethodHandle PRCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("prctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, java.lang.foreign.ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));

    private Scheduling() {}

    /**
     * Sets the calling thread's timer slack: how much later than asked the kernel may end its timed
     * sleeps, to batch timer interrupts (50 µs by default for normal threads, 0 for real-time ones).
     * A sleep meant to last tens of µs needs a slack well below that.
     */
    public static void currentThreadTimerSlack(long ns) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            int rc = (int) PRCTL.invokeExact(st, PR_SET_TIMERSLACK, ns);
            Native.check(rc, st, "prctl(PR_SET_TIMERSLACK, " + ns + ")", null, null);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

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
