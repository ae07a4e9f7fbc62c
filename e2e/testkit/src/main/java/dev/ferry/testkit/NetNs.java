package dev.ferry.testkit;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A network namespace made for one test ({@code ip netns add}), removed on {@link #close()}. Its
 * loopback is up. Commands run inside it through {@link #exec}, child processes through {@link
 * #command}, and Java code (for example opening an AF_PACKET socket) through {@link #call}, which
 * runs the code on a fresh platform thread that has entered the namespace.
 */
public final class NetNs implements AutoCloseable {
    private final String name;
    private final Cleanup.Action removal;

    private NetNs(String name) {
        this.name = name;
        this.removal = Cleanup.register("netns " + name, () -> Cmd.exec(List.of("ip", "netns", "del", name), null));
    }

    /** Creates a namespace named {@code ferry-t-<pid>-<n>-<label>} with its loopback up. */
    public static NetNs create(String label) {
        Tools.requireRoot();
        Tools.require("ip");
        Cleanup.sweepStale();
        String name = Names.namespace(label);
        Cmd.run("ip", "netns", "add", name);
        NetNs ns = new NetNs(name);
        try {
            ns.exec("ip", "link", "set", "lo", "up");
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
        return ns;
    }

    public String name() {
        return name;
    }

    /** The prefix that runs a command inside this namespace: {@code ip netns exec <name>}. */
    public List<String> prefix() {
        return List.of("ip", "netns", "exec", name);
    }

    /** {@code command} prefixed to run inside this namespace, for a {@link ProcessBuilder}. */
    public List<String> command(String... command) {
        return Cmd.concat(prefix(), command);
    }

    /** Runs a command inside the namespace; throws with its output unless it exits 0. */
    public Cmd.Result exec(String... command) {
        return Cmd.run(command(command));
    }

    /** Runs a command inside the namespace and returns whatever happened. */
    public Cmd.Result tryExec(String... command) {
        return Cmd.exec(command(command), null);
    }

    /**
     * Runs {@code code} on a new platform thread that has joined this namespace, and returns its
     * result. Sockets opened there stay in this namespace for their whole life, whichever thread
     * uses them later; so does anything that thread starts as a child process.
     */
    public <T> T call(Callable<T> code) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform().name("in-" + name).unstarted(() -> {
            try {
                enter();
                result.set(code.call());
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for code in " + name, e);
        }
        Throwable t = failure.get();
        if (t instanceof RuntimeException re) {
            throw re;
        }
        if (t instanceof Error err) {
            throw err;
        }
        if (t != null) {
            throw new IllegalStateException(t);
        }
        return result.get();
    }

    /** Runs {@code code} inside the namespace (see {@link #call}). */
    public void run(ThrowingRunnable code) {
        call(() -> {
            code.run();
            return null;
        });
    }

    /** A runnable that may throw. */
    @FunctionalInterface
    public interface ThrowingRunnable {
        void run() throws Exception;
    }

    private void enter() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(Libc.CAPTURE);
            int fd =
                    (int) Libc.OPEN.invokeExact(errno, arena.allocateFrom("/run/netns/" + name), Libc.O_RDONLY_CLOEXEC);
            if (fd < 0) {
                throw new IllegalStateException("open /run/netns/" + name + ": errno " + Libc.errno(errno));
            }
            int rc = (int) Libc.SETNS.invokeExact(errno, fd, Libc.CLONE_NEWNET);
            int setnsErrno = Libc.errno(errno);
            int ignored = (int) Libc.CLOSE.invokeExact(errno, fd);
            if (rc != 0) {
                throw new IllegalStateException("setns into " + name + ": errno " + setnsErrno);
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /** Deletes the namespace (and with it every interface and nftables table inside). Idempotent. */
    @Override
    public void close() {
        removal.run();
    }

    @Override
    public String toString() {
        return "netns " + name;
    }

    /** The three libc calls the kit needs to join a namespace. */
    private static final class Libc {
        static final int O_RDONLY_CLOEXEC = 0x80000;
        static final int CLONE_NEWNET = 0x40000000;
        static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
        private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
        private static final Linker LINKER = Linker.nativeLinker();
        private static final Linker.Option ERRNO_OPTION = Linker.Option.captureCallState("errno");
        static final MethodHandle OPEN =
                handle("open", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        static final MethodHandle SETNS = handle(
                "setns", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        static final MethodHandle CLOSE =
                handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        static int errno(MemorySegment state) {
            return (int) ERRNO.get(state, 0L);
        }

        private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
            MemorySegment symbol = LINKER.defaultLookup().find(name).orElseThrow();
            return LINKER.downcallHandle(symbol, descriptor, ERRNO_OPTION);
        }
    }
}
