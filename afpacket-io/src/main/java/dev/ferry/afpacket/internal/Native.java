package dev.ferry.afpacket.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The libc calls of the AF_PACKET path, as {@link Linker} downcalls that capture errno.
 *
 * <p>Each method takes a call-state segment ({@link #newCallState}) that receives errno, so hot
 * calls (poll, sendto, recv) allocate nothing: a ring keeps one call-state segment for its thread.
 * Methods return the raw result (-1 on failure); {@link #check} turns a failure into an exception.
 */
public final class Native {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

    /** {@code struct pollfd {int fd; short events; short revents;}} (8 bytes). */
    public static final StructLayout POLLFD = MemoryLayout.structLayout(
            JAVA_INT.withName("fd"), JAVA_SHORT.withName("events"), JAVA_SHORT.withName("revents"));

    /** {@code struct timespec {long tv_sec; long tv_nsec;}}. */
    public static final StructLayout TIMESPEC =
            MemoryLayout.structLayout(JAVA_LONG.withName("tv_sec"), JAVA_LONG.withName("tv_nsec"));

    /** {@code struct ifreq}: a 16-byte name and a 24-byte union (an int for SIOCGIFMTU). */
    public static final StructLayout IFREQ = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, java.lang.foreign.ValueLayout.JAVA_BYTE)
                    .withName("ifr_name"),
            JAVA_INT.withName("ifr_mtu"),
            MemoryLayout.paddingLayout(20));

    private static final MethodHandle SOCKET =
            downcall("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            downcall("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKOPT =
            downcall("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle BIND =
            downcall("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME =
            downcall("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle MMAP = downcall(
            "mmap", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = downcall("munmap", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle POLL =
            downcall("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle PPOLL =
            downcall("ppoll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, ADDRESS, ADDRESS));
    private static final MethodHandle SENDTO = downcall(
            "sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDMMSG =
            downcall("sendmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT));
    private static final MethodHandle RECVMMSG =
            downcall("recvmmsg", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle RECV =
            downcall("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle IF_NAMETOINDEX =
            downcall("if_nametoindex", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    private static final MethodHandle CLOSE = downcall("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD =
            downcall("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle WRITE =
            downcall("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle READ =
            downcall("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    // ioctl is variadic: the request's argument is the first variadic one.
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
            CAPTURE_ERRNO,
            Linker.Option.firstVariadicArg(2));

    private Native() {}

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol =
                LINKER.defaultLookup().find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
        return LINKER.downcallHandle(symbol, descriptor, CAPTURE_ERRNO);
    }

    /** A segment that receives errno; one per thread that makes calls. */
    public static MemorySegment newCallState(Arena arena) {
        return arena.allocate(CALL_STATE);
    }

    /** The errno the last call through {@code state} left. */
    public static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    /** Returns {@code rc} when it is not negative; otherwise throws, naming the call. */
    public static long check(long rc, MemorySegment state, String call, String interfaceName, String detail) {
        if (rc < 0) {
            throw Errno.of(call, errno(state), interfaceName, detail);
        }
        return rc;
    }

    public static int socket(MemorySegment st, int domain, int type, int protocol) {
        try {
            return (int) SOCKET.invokeExact(st, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int setsockopt(MemorySegment st, int fd, int level, int name, MemorySegment value, int length) {
        try {
            return (int) SETSOCKOPT.invokeExact(st, fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** getsockopt; {@code length} is an int segment holding the buffer size in and the result size out. */
    public static int getsockopt(
            MemorySegment st, int fd, int level, int name, MemorySegment value, MemorySegment length) {
        try {
            return (int) GETSOCKOPT.invokeExact(st, fd, level, name, value, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int bind(MemorySegment st, int fd, MemorySegment address, int length) {
        try {
            return (int) BIND.invokeExact(st, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int getsockname(MemorySegment st, int fd, MemorySegment address, MemorySegment length) {
        try {
            return (int) GETSOCKNAME.invokeExact(st, fd, address, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * mmap; returns the mapping as a segment of {@code length} bytes, or a segment whose address is
     * -1 (MAP_FAILED) on failure. FFM returns a zero-length segment: it is widened here, once.
     */
    public static MemorySegment mmap(MemorySegment st, long length, int prot, int flags, int fd, long offset) {
        return mmapAt(st, MemorySegment.NULL, length, prot, flags, fd, offset);
    }

    /** mmap at {@code address} (with MAP_FIXED: exactly there, replacing what was mapped). */
    public static MemorySegment mmapAt(
            MemorySegment st, MemorySegment address, long length, int prot, int flags, int fd, long offset) {
        try {
            MemorySegment raw = (MemorySegment) MMAP.invokeExact(st, address, length, prot, flags, fd, offset);
            return raw.address() == -1L ? raw : raw.reinterpret(length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int munmap(MemorySegment st, MemorySegment mapping) {
        try {
            return (int) MUNMAP.invokeExact(st, mapping, mapping.byteSize());
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The cleanup that unmaps a mapping of {@code length} bytes when its arena closes. */
    public static java.util.function.Consumer<MemorySegment> unmapper(long length) {
        return mapping -> {
            try (Arena arena = Arena.ofConfined()) {
                int ignored = (int) MUNMAP.invokeExact(newCallState(arena), mapping, length);
            } catch (Throwable t) {
                throw rethrow(t);
            }
        };
    }

    public static int poll(MemorySegment st, MemorySegment fds, long count, int timeoutMs) {
        try {
            return (int) POLL.invokeExact(st, fds, count, timeoutMs);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** ppoll with a nanosecond timeout ({@code timeout} is a TIMESPEC, or NULL to wait forever). */
    public static int ppoll(MemorySegment st, MemorySegment fds, long count, MemorySegment timeout) {
        try {
            return (int) PPOLL.invokeExact(st, fds, count, timeout, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long sendto(MemorySegment st, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) SENDTO.invokeExact(st, fd, buffer, length, flags, MemorySegment.NULL, 0);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** sendmmsg: {@code count} messages from {@code messages} (an array of mmsghdr); returns how many went. */
    public static int sendmmsg(MemorySegment st, int fd, MemorySegment messages, int count, int flags) {
        try {
            return (int) SENDMMSG.invokeExact(st, fd, messages, count, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /**
     * recvmmsg without a timeout: up to {@code count} messages into {@code messages} (an array of
     * mmsghdr); returns how many came, or -1 (errno EAGAIN with MSG_DONTWAIT when none waited).
     */
    public static int recvmmsg(MemorySegment st, int fd, MemorySegment messages, int count, int flags) {
        try {
            return (int) RECVMMSG.invokeExact(st, fd, messages, count, flags, MemorySegment.NULL);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long recv(MemorySegment st, int fd, MemorySegment buffer, long length, int flags) {
        try {
            return (long) RECV.invokeExact(st, fd, buffer, length, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** The interface index of {@code name}, or 0 (with errno ENODEV) when there is none. */
    public static int ifNameToIndex(MemorySegment st, MemorySegment name) {
        try {
            return (int) IF_NAMETOINDEX.invokeExact(st, name);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int close(MemorySegment st, int fd) {
        try {
            return (int) CLOSE.invokeExact(st, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int eventfd(MemorySegment st, int initial, int flags) {
        try {
            return (int) EVENTFD.invokeExact(st, initial, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long write(MemorySegment st, int fd, MemorySegment buffer, long length) {
        try {
            return (long) WRITE.invokeExact(st, fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static long read(MemorySegment st, int fd, MemorySegment buffer, long length) {
        try {
            return (long) READ.invokeExact(st, fd, buffer, length);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    public static int ioctl(MemorySegment st, int fd, long request, MemorySegment argument) {
        try {
            return (int) IOCTL.invokeExact(st, fd, request, argument);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException re) {
            return re;
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }
}
