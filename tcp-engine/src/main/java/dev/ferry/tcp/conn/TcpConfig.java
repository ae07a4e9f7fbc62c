package dev.ferry.tcp.conn;

/**
 * The knobs of a TCP endpoint. Immutable and shared by every connection made with it (a
 * listener's, a shard's); build one with {@link #builder()}. Durations are in nanoseconds; 0
 * switches an optional timeout off.
 */
public final class TcpConfig {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000_000_000L;

    private final int receiveBufferBytes;
    private final int sendBufferBytes;
    private final boolean windowScaling;
    private final boolean sack;
    private final boolean rackTlp;
    private final boolean timestamps;
    private final boolean noDelay;
    private final long initialRtoNs;
    private final long minRtoNs;
    private final long maxRtoNs;
    private final int maxRetransmits;
    private final int synRetries;
    private final int synAckRetries;
    private final long delayedAckNs;
    private final long timeWaitNs;
    private final long finWait2TimeoutNs;
    private final boolean keepalive;
    private final long keepaliveIdleNs;
    private final long keepaliveIntervalNs;
    private final int keepaliveProbes;
    private final long idleTimeoutNs;
    private final long maxLifetimeNs;
    private final long handshakeTimeoutNs;
    private final int initialWindowSegments;
    private final int minPeerMss;
    private final int defaultPeerMss;
    private final int challengeAcksPerSecond;
    private final int receiveWindowScale;

    private TcpConfig(Builder b) {
        if (b.receiveBufferBytes < 1024 || b.sendBufferBytes < 1024) {
            throw new IllegalArgumentException("buffers must hold at least 1 KiB");
        }
        if (b.minRtoNs <= 0 || b.maxRtoNs < b.minRtoNs || b.initialRtoNs < b.minRtoNs) {
            throw new IllegalArgumentException("need 0 < minRto <= initialRto and minRto <= maxRto");
        }
        this.receiveBufferBytes = b.receiveBufferBytes;
        this.sendBufferBytes = b.sendBufferBytes;
        this.windowScaling = b.windowScaling;
        this.sack = b.sack;
        this.rackTlp = b.rackTlp;
        this.timestamps = b.timestamps;
        this.noDelay = b.noDelay;
        this.initialRtoNs = b.initialRtoNs;
        this.minRtoNs = b.minRtoNs;
        this.maxRtoNs = b.maxRtoNs;
        this.maxRetransmits = b.maxRetransmits;
        this.synRetries = b.synRetries;
        this.synAckRetries = b.synAckRetries;
        this.delayedAckNs = b.delayedAckNs;
        this.timeWaitNs = b.timeWaitNs;
        this.finWait2TimeoutNs = b.finWait2TimeoutNs;
        this.keepalive = b.keepalive;
        this.keepaliveIdleNs = b.keepaliveIdleNs;
        this.keepaliveIntervalNs = b.keepaliveIntervalNs;
        this.keepaliveProbes = b.keepaliveProbes;
        this.idleTimeoutNs = b.idleTimeoutNs;
        this.maxLifetimeNs = b.maxLifetimeNs;
        this.handshakeTimeoutNs = b.handshakeTimeoutNs;
        this.initialWindowSegments = b.initialWindowSegments;
        this.minPeerMss = b.minPeerMss;
        this.defaultPeerMss = b.defaultPeerMss;
        this.challengeAcksPerSecond = b.challengeAcksPerSecond;
        // The smallest shift that lets the whole receive buffer be offered (RFC 7323 2.3).
        int shift = 0;
        while (shift < 14 && (receiveBufferBytes >>> shift) > 65_535) {
            shift++;
        }
        this.receiveWindowScale = windowScaling ? shift : 0;
    }

    /** A builder with Linux-like defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** The defaults. */
    public static TcpConfig defaults() {
        return builder().build();
    }

    /** Receive buffer per stream: the most data offered to the peer (receive window). */
    public int receiveBufferBytes() {
        return receiveBufferBytes;
    }

    /** Send buffer per stream: unacknowledged plus not yet sent bytes. */
    public int sendBufferBytes() {
        return sendBufferBytes;
    }

    /** Whether we offer window scaling (RFC 7323 2). */
    public boolean windowScaling() {
        return windowScaling;
    }

    /** Whether we offer SACK-permitted (RFC 2018). */
    public boolean sack() {
        return sack;
    }

    /**
     * Whether loss detection uses RACK-TLP (RFC 8985) on connections whose peer SACKs: loss by
     * time instead of DupThresh, and tail loss probes. Off: RFC 6675 alone.
     */
    public boolean rackTlp() {
        return rackTlp;
    }

    /** Whether we offer timestamps (RFC 7323 3). */
    public boolean timestamps() {
        return timestamps;
    }

    /** Whether streams start with Nagle's algorithm off. */
    public boolean noDelay() {
        return noDelay;
    }

    /** RTO before any RTT sample (RFC 6298 2.1: one second). */
    public long initialRtoNs() {
        return initialRtoNs;
    }

    /** Lower bound of the RTO (Linux: 200 ms; RFC 6298 2.4 suggests 1 s). */
    public long minRtoNs() {
        return minRtoNs;
    }

    /** Upper bound of the backed-off RTO (RFC 6298 2.5 allows >= 60 s; Linux: 120 s). */
    public long maxRtoNs() {
        return maxRtoNs;
    }

    /** Retransmission timeouts in a row after which the connection gives up (Linux tcp_retries2). */
    public int maxRetransmits() {
        return maxRetransmits;
    }

    /** SYN retransmissions before an active open fails. */
    public int synRetries() {
        return synRetries;
    }

    /** SYN-ACK retransmissions before a half-open connection is dropped. */
    public int synAckRetries() {
        return synAckRetries;
    }

    /** The most an ACK is delayed (RFC 9293 3.8.6.3: under 0.5 s; Linux: 40 ms). */
    public long delayedAckNs() {
        return delayedAckNs;
    }

    /** How long TIME_WAIT lasts (2*MSL). */
    public long timeWaitNs() {
        return timeWaitNs;
    }

    /** How long a fully closed stream waits in FIN_WAIT_2 for the peer's FIN (0: forever). */
    public long finWait2TimeoutNs() {
        return finWait2TimeoutNs;
    }

    /** Whether streams start with keepalive probes on (RFC 9293 3.8.4: off by default). */
    public boolean keepalive() {
        return keepalive;
    }

    /** Silence before the first keepalive probe (Linux: 2 hours). */
    public long keepaliveIdleNs() {
        return keepaliveIdleNs;
    }

    /** Time between unanswered keepalive probes. */
    public long keepaliveIntervalNs() {
        return keepaliveIntervalNs;
    }

    /** Unanswered keepalive probes before the connection is dropped. */
    public int keepaliveProbes() {
        return keepaliveProbes;
    }

    /** No data either way for this long aborts the stream; 0: no idle timeout. */
    public long idleTimeoutNs() {
        return idleTimeoutNs;
    }

    /** Streams are aborted this long after they started; 0: no limit. */
    public long maxLifetimeNs() {
        return maxLifetimeNs;
    }

    /** A handshake not complete after this long fails; 0: only the SYN retries limit it. */
    public long handshakeTimeoutNs() {
        return handshakeTimeoutNs;
    }

    /** Initial congestion window in segments (RFC 6928: 10). */
    public int initialWindowSegments() {
        return initialWindowSegments;
    }

    /** Peer MSS options below this (zero included) are raised to it. */
    public int minPeerMss() {
        return minPeerMss;
    }

    /** The MSS assumed when the peer's SYN has no MSS option (RFC 9293 3.7.1: 536 for IPv4). */
    public int defaultPeerMss() {
        return defaultPeerMss;
    }

    /** Challenge ACKs a connection may send per second (RFC 5961 7); at most 255. */
    public int challengeAcksPerSecond() {
        return challengeAcksPerSecond;
    }

    /** The window-scale shift we offer: the smallest that covers the receive buffer. */
    public int receiveWindowScale() {
        return receiveWindowScale;
    }

    /** A builder for {@link TcpConfig}. Not thread-safe. */
    public static final class Builder {
        private int receiveBufferBytes = 256 * 1024;
        private int sendBufferBytes = 256 * 1024;
        private boolean windowScaling = true;
        private boolean sack = true;
        private boolean rackTlp = true;
        private boolean timestamps = true;
        private boolean noDelay = false;
        private long initialRtoNs = S;
        private long minRtoNs = 200 * MS;
        private long maxRtoNs = 120 * S;
        private int maxRetransmits = 15;
        private int synRetries = 6;
        private int synAckRetries = 5;
        private long delayedAckNs = 40 * MS;
        private long timeWaitNs = 60 * S;
        private long finWait2TimeoutNs = 60 * S;
        private boolean keepalive = false;
        private long keepaliveIdleNs = 7200 * S;
        private long keepaliveIntervalNs = 75 * S;
        private int keepaliveProbes = 9;
        private long idleTimeoutNs = 0;
        private long maxLifetimeNs = 0;
        private long handshakeTimeoutNs = 0;
        private int initialWindowSegments = 10;
        private int minPeerMss = 88;
        private int defaultPeerMss = 536;
        private int challengeAcksPerSecond = 100;

        private Builder() {}

        public Builder receiveBufferBytes(int bytes) {
            this.receiveBufferBytes = bytes;
            return this;
        }

        public Builder sendBufferBytes(int bytes) {
            this.sendBufferBytes = bytes;
            return this;
        }

        public Builder windowScaling(boolean on) {
            this.windowScaling = on;
            return this;
        }

        public Builder sack(boolean on) {
            this.sack = on;
            return this;
        }

        /** RACK-TLP loss detection (on by default, as in Linux); off leaves RFC 6675 alone. */
        public Builder rackTlp(boolean on) {
            this.rackTlp = on;
            return this;
        }

        public Builder timestamps(boolean on) {
            this.timestamps = on;
            return this;
        }

        public Builder noDelay(boolean on) {
            this.noDelay = on;
            return this;
        }

        public Builder initialRtoNs(long ns) {
            this.initialRtoNs = ns;
            return this;
        }

        public Builder minRtoNs(long ns) {
            this.minRtoNs = ns;
            return this;
        }

        public Builder maxRtoNs(long ns) {
            this.maxRtoNs = ns;
            return this;
        }

        public Builder maxRetransmits(int count) {
            this.maxRetransmits = count;
            return this;
        }

        public Builder synRetries(int count) {
            this.synRetries = count;
            return this;
        }

        public Builder synAckRetries(int count) {
            this.synAckRetries = count;
            return this;
        }

        public Builder delayedAckNs(long ns) {
            this.delayedAckNs = ns;
            return this;
        }

        public Builder timeWaitNs(long ns) {
            this.timeWaitNs = ns;
            return this;
        }

        public Builder finWait2TimeoutNs(long ns) {
            this.finWait2TimeoutNs = ns;
            return this;
        }

        /** Whether streams start with keepalive on. */
        public Builder keepalive(boolean on) {
            this.keepalive = on;
            return this;
        }

        /** Keepalive timing: first probe after {@code idleNs} of silence, then every {@code intervalNs}. */
        public Builder keepaliveTiming(long idleNs, long intervalNs, int probes) {
            if (idleNs <= 0 || intervalNs <= 0 || probes < 1) {
                throw new IllegalArgumentException("keepalive timing must be positive");
            }
            this.keepaliveIdleNs = idleNs;
            this.keepaliveIntervalNs = intervalNs;
            this.keepaliveProbes = probes;
            return this;
        }

        public Builder idleTimeoutNs(long ns) {
            this.idleTimeoutNs = ns;
            return this;
        }

        public Builder maxLifetimeNs(long ns) {
            this.maxLifetimeNs = ns;
            return this;
        }

        public Builder handshakeTimeoutNs(long ns) {
            this.handshakeTimeoutNs = ns;
            return this;
        }

        public Builder initialWindowSegments(int segments) {
            this.initialWindowSegments = segments;
            return this;
        }

        public Builder minPeerMss(int bytes) {
            this.minPeerMss = bytes;
            return this;
        }

        public Builder defaultPeerMss(int bytes) {
            this.defaultPeerMss = bytes;
            return this;
        }

        public Builder challengeAcksPerSecond(int count) {
            this.challengeAcksPerSecond = count;
            return this;
        }

        public TcpConfig build() {
            return new TcpConfig(this);
        }
    }
}
