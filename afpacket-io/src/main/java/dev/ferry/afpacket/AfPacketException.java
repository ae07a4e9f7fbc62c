package dev.ferry.afpacket;

/**
 * A system call on the AF_PACKET path failed. The message names the call and says what to do
 * ("needs CAP_NET_RAW (run as root or grant NET_RAW)", "no interface eth9", ...); {@link #errno()}
 * and {@link #call()} are there for code that reacts to specific failures.
 */
public final class AfPacketException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    public AfPacketException(String call, int errno, String message) {
        super(message);
        this.call = call;
        this.errno = errno;
    }

    /** The failed call, e.g. {@code setsockopt(PACKET_RX_RING)}. */
    public String call() {
        return call;
    }

    /** The errno the kernel returned (0 when the failure was found in user space). */
    public int errno() {
        return errno;
    }
}
