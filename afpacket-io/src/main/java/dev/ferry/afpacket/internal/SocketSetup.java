package dev.ferry.afpacket.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The slow-path socket calls of opening a packet socket, each checked and named in its error.
 * Confined to the opening thread; every call allocates in a short-lived arena.
 */
public final class SocketSetup {
    private final String interfaceName;

    public SocketSetup(String interfaceName) {
        this.interfaceName = interfaceName;
    }

    /** An AF_PACKET raw socket with protocol 0: nothing is queued to it before bind. */
    public int openPacketSocket() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            int fd = Native.socket(st, Kernel.AF_PACKET, Kernel.SOCK_RAW | Kernel.SOCK_CLOEXEC, 0);
            return (int) Native.check(fd, st, "socket(AF_PACKET, SOCK_RAW)", interfaceName, null);
        }
    }

    public int interfaceIndex() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            int index = Native.ifNameToIndex(st, arena.allocateFrom(interfaceName));
            if (index == 0) {
                int errno = Native.errno(st);
                throw Errno.of(
                        "if_nametoindex(" + interfaceName + ")",
                        errno == 0 ? Kernel.ENODEV : errno,
                        interfaceName,
                        null);
            }
            return index;
        }
    }

    public void setInt(int fd, int level, int option, int value, String optionName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment v = arena.allocateFrom(JAVA_INT, value);
            Native.check(
                    Native.setsockopt(st, fd, level, option, v, 4),
                    st,
                    "setsockopt(" + optionName + ")",
                    interfaceName,
                    "value " + value);
        }
    }

    public int getInt(int fd, int level, int option, String optionName) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment v = arena.allocate(JAVA_INT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, 4);
            Native.check(
                    Native.getsockopt(st, fd, level, option, v, len),
                    st,
                    "getsockopt(" + optionName + ")",
                    interfaceName,
                    null);
            return v.get(JAVA_INT, 0);
        }
    }

    public void attachFilter(int fd, long[] instructions) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment fprog = SockFprog.of(arena, instructions);
            Native.check(
                    Native.setsockopt(
                            st, fd, Kernel.SOL_SOCKET, Kernel.SO_ATTACH_FILTER, fprog, (int) fprog.byteSize()),
                    st,
                    "setsockopt(SO_ATTACH_FILTER)",
                    interfaceName,
                    instructions.length + " instructions");
        }
    }

    public void setRing(
            int fd, int option, String optionName, int blockSize, int blockCount, int frameSize, int tovMs) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment req = arena.allocate(TpacketReq3.LAYOUT);
            TpacketReq3.fill(req, blockSize, blockCount, frameSize, tovMs);
            Native.check(
                    Native.setsockopt(st, fd, Kernel.SOL_PACKET, option, req, (int) req.byteSize()),
                    st,
                    "setsockopt(" + optionName + ")",
                    interfaceName,
                    "block " + blockSize + " x " + blockCount + ", frame " + frameSize + ", retire " + tovMs + " ms");
        }
    }

    /** Maps the socket's rings (RX first, then TX) as one shared region that lives in {@code arena}. */
    public MemorySegment map(int fd, long length, Arena arena) {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(local);
            MemorySegment m = Native.mmap(
                    st, length, Kernel.PROT_READ | Kernel.PROT_WRITE, Kernel.MAP_SHARED | Kernel.MAP_POPULATE, fd, 0);
            if (m.address() == -1L) {
                throw Errno.of("mmap", Native.errno(st), interfaceName, length + " bytes");
            }
            // The mapping ends with the arena: munmap runs when the socket closes it.
            return m.reinterpret(length, arena, Native.unmapper(length));
        }
    }

    /**
     * Maps the socket's rings followed, at the next address, by {@code stagingLength} bytes of
     * private anonymous memory, as one region that lives in {@code arena}: one segment then spans
     * the TX ring and the staging memory of a {@code SendBatch}, so a link hands out offsets into
     * either. The whole range is reserved first so that nothing else can land between the two.
     */
    public MemorySegment mapWithStaging(int fd, long ringLength, long stagingLength, Arena arena) {
        long total = ringLength + stagingLength;
        try (Arena local = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(local);
            MemorySegment reserved = Native.mmap(
                    st,
                    total,
                    Kernel.PROT_NONE,
                    Kernel.MAP_PRIVATE | Kernel.MAP_ANONYMOUS | Kernel.MAP_NORESERVE,
                    -1,
                    0);
            if (reserved.address() == -1L) {
                throw Errno.of("mmap (reserve)", Native.errno(st), interfaceName, total + " bytes");
            }
            int rw = Kernel.PROT_READ | Kernel.PROT_WRITE;
            MemorySegment ring = Native.mmapAt(
                    st, reserved, ringLength, rw, Kernel.MAP_SHARED | Kernel.MAP_POPULATE | Kernel.MAP_FIXED, fd, 0);
            MemorySegment staging = ring.address() == -1L
                    ? ring
                    : Native.mmapAt(
                            st,
                            MemorySegment.ofAddress(reserved.address() + ringLength),
                            stagingLength,
                            rw,
                            Kernel.MAP_PRIVATE | Kernel.MAP_ANONYMOUS | Kernel.MAP_FIXED | Kernel.MAP_POPULATE,
                            -1,
                            0);
            if (staging.address() == -1L) {
                int errno = Native.errno(st);
                Native.munmap(st, reserved);
                throw Errno.of("mmap", errno, interfaceName, ringLength + " + " + stagingLength + " bytes");
            }
            return reserved.reinterpret(total, arena, Native.unmapper(total));
        }
    }

    public void bind(int fd, int ifindex) {
        bind(fd, ifindex, Kernel.ETH_P_ALL);
    }

    /** Binds to {@code ifindex} for {@code protocol}; protocol 0 sends only (the socket receives nothing). */
    public void bind(int fd, int ifindex, int protocol) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment sa = arena.allocate(SockaddrLl.LAYOUT);
            SockaddrLl.fillBind(sa, ifindex, protocol);
            Native.check(Native.bind(st, fd, sa, (int) sa.byteSize()), st, "bind", interfaceName, "ifindex " + ifindex);
        }
    }

    /** The device's hardware address, from the bound socket's own name. */
    public long hardwareAddress(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment sa = arena.allocate(SockaddrLl.LAYOUT);
            MemorySegment len = arena.allocateFrom(JAVA_INT, (int) sa.byteSize());
            Native.check(Native.getsockname(st, fd, sa, len), st, "getsockname", interfaceName, null);
            return SockaddrLl.hardwareAddress(sa);
        }
    }

    /** The device's MTU (SIOCGIFMTU, which a packet socket passes on to the device layer). */
    public int mtu(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment st = Native.newCallState(arena);
            MemorySegment ifr = arena.allocate(Native.IFREQ);
            byte[] name = interfaceName.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            MemorySegment.copy(MemorySegment.ofArray(name), 0, ifr, 0, Math.min(15, name.length));
            Native.check(Native.ioctl(st, fd, Kernel.SIOCGIFMTU, ifr), st, "ioctl(SIOCGIFMTU)", interfaceName, null);
            return ifr.get(JAVA_INT, 16);
        }
    }

    /** Closes {@code fd}, ignoring errors: used on the failure paths of open. */
    public static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try (Arena arena = Arena.ofConfined()) {
            Native.close(Native.newCallState(arena), fd);
        }
    }
}
