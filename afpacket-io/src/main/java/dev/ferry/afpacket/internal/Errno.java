package dev.ferry.afpacket.internal;

import dev.ferry.afpacket.AfPacketException;

/** Turns an errno from a named call into an {@link AfPacketException} whose message says what to do. */
public final class Errno {
    private Errno() {}

    /** The symbolic name of an errno value. */
    public static String name(int errno) {
        return switch (errno) {
            case Kernel.EPERM -> "EPERM";
            case 2 -> "ENOENT";
            case Kernel.EINTR -> "EINTR";
            case Kernel.ENXIO -> "ENXIO";
            case 9 -> "EBADF";
            case Kernel.EAGAIN -> "EAGAIN";
            case Kernel.ENOMEM -> "ENOMEM";
            case Kernel.EACCES -> "EACCES";
            case 14 -> "EFAULT";
            case Kernel.EBUSY -> "EBUSY";
            case Kernel.ENODEV -> "ENODEV";
            case Kernel.EINVAL -> "EINVAL";
            case 24 -> "EMFILE";
            case 92 -> "ENOPROTOOPT";
            case 93 -> "EPROTONOSUPPORT";
            case 97 -> "EAFNOSUPPORT";
            case Kernel.EMSGSIZE -> "EMSGSIZE";
            case Kernel.ENETDOWN -> "ENETDOWN";
            case Kernel.ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    /**
     * The exception for {@code call} failing with {@code errno}.
     *
     * @param interfaceName the device the call was about, or null
     * @param detail        what the call asked for (sizes, options), or null
     */
    public static AfPacketException of(String call, int errno, String interfaceName, String detail) {
        String context = detail == null ? "" : " [" + detail + "]";
        String message = switch (errno) {
            case Kernel.EPERM, Kernel.EACCES ->
                call + ": " + name(errno) + ": needs CAP_NET_RAW (run as root or grant NET_RAW)" + context;
            case Kernel.ENODEV, Kernel.ENXIO ->
                interfaceName != null
                        ? "no interface " + interfaceName + " (" + call + ": " + name(errno) + ")" + context
                        : call + ": " + name(errno) + ": no such device" + context;
            case Kernel.EBUSY ->
                call + ": EBUSY: the socket or device is busy (options that shape the ring must be set"
                        + " before the ring exists, and a fanout group must agree on its mode)" + context;
            case Kernel.EINVAL -> call + ": EINVAL: the kernel rejected the arguments" + context;
            case Kernel.ENOMEM -> call + ": ENOMEM: not enough memory for the ring" + context;
            case Kernel.ENETDOWN -> call + ": ENETDOWN: interface " + interfaceName + " is down" + context;
            default -> call + ": " + name(errno) + context;
        };
        return new AfPacketException(call, errno, message);
    }
}
