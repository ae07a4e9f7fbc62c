package dev.ferry.tcp.stack;

import dev.ferry.tcp.api.ListenHandler;
import dev.ferry.tcp.api.ShardWakeup;
import dev.ferry.tcp.api.Stream;
import dev.ferry.tcp.api.StreamHandler;
import dev.ferry.tcp.buffer.BufferPool;
import dev.ferry.tcp.conn.Resets;
import dev.ferry.tcp.conn.SegmentIn;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpCounters;
import dev.ferry.tcp.conn.TcpListener;
import dev.ferry.tcp.conn.TimeWait;
import dev.ferry.tcp.conn.TransferPool;
import dev.ferry.tcp.flow.FlowRecords;
import dev.ferry.tcp.flow.FlowTable;
import dev.ferry.tcp.flow.ListenerTable;
import dev.ferry.tcp.flow.SlotTable;
import dev.ferry.tcp.isn.EphemeralPorts;
import dev.ferry.tcp.isn.IsnGenerator;
import dev.ferry.tcp.isn.TimestampOffsets;
import dev.ferry.tcp.link.FrameReceiver;
import dev.ferry.tcp.link.Link;
import dev.ferry.tcp.link.RxChecksum;
import dev.ferry.tcp.timer.TimerHandler;
import dev.ferry.tcp.timer.TimingWheel;
import dev.ferry.tcp.wire.Addresses;
import dev.ferry.tcp.wire.FrameParser;
import dev.ferry.tcp.wire.Malformed;
import dev.ferry.tcp.wire.MalformedCounts;
import dev.ferry.tcp.wire.ParsedFrame;
import dev.ferry.tcp.wire.TcpFlags;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * One shard's TCP stack: the frames of one {@link Link} in, connections in the middle, frames out.
 *
 * <p>Per received frame: parse (wire) -> flow lookup by 4-tuple -> the connection's {@code
 * onSegment}, or the listener for a SYN, or a compact TIME_WAIT entry, or a reset for a closed
 * port. Every connection has one deadline on the shard's one {@link TimingWheel}. Connections
 * transmit through this stack, which builds their frames in place in the link's TX memory.
 *
 * <p>Confined to its shard thread: every method except {@link #wakeup()}'s {@code wake} must be
 * called on it. Application threads reach a stream through {@link dev.ferry.tcp.api.BlockingStream},
 * whose requests come back through {@link #wakeup()}. Nothing here reads a clock: time comes in
 * through {@link #poll(long)} and the other calls that take {@code nowNs}.
 */
public final class TcpStack {
    private final Link link;
    private final StackConfig config;
    private final FrameParser parser = new FrameParser();
    private final ParsedFrame frame = new ParsedFrame();
    private final SegmentIn in = new SegmentIn();
    private final MalformedCounts malformed = new MalformedCounts();
    private final StackCounters counters = new StackCounters();
    private final TcpCounters tcpCounters = new TcpCounters();
    private final BufferPool pool;
    private final TransferPool transfers = new TransferPool();
    private final TimingWheel wheel;
    /**
     * Every flow by id: its key, next-hop MAC, and a {@link TcpConnection} or, once it reached
     * TIME_WAIT, a {@link TimeWait}. The flow table and the wheel refer to flows by these ids.
     */
    private final FlowRecords<Object> records;

    private final FlowTable flows;
    private final ListenerTable listenerTable = new ListenerTable();
    private final SlotTable<TcpListener> listeners = new SlotTable<>(8);
    private final Map<TcpListener, Integer> listenerPorts = new IdentityHashMap<>();
    private final IsnGenerator isn;
    private final TimestampOffsets tsOffsets;
    private final EphemeralPorts ephemeralPorts;
    private final LocalAddresses local;
    private final Transmitter tx;
    private final Neighbors neighbors;
    private final OutputQueue output = new OutputQueue();
    private final AttentionQueue attention = new AttentionQueue();
    private final ShardHost host = new ShardHost();
    private final FrameReceiver receiver = this::onFrame;
    private final TimerHandler timerHandler = this::onTimer;
    private long nowNs;
    /** The IP version of the connection being created, asked for its MSS before it has a slot. */
    private boolean creatingIpv6;

    /**
     * @param link   the device frames come from and go to
     * @param random the source of every secret and random choice (ISN key, timestamp offsets,
     *     ephemeral ports, hash seeds): seeded in simulations, secure in production
     * @param nowNs  the time the stack starts at
     */
    public TcpStack(Link link, StackConfig config, RandomGenerator random, long nowNs) {
        this.link = link;
        this.config = config;
        this.nowNs = nowNs;
        this.pool = new BufferPool(config.bufferChunkBytes(), config.maxBufferChunks(), BufferPool.Memory.HEAP);
        this.wheel = new TimingWheel(config.expectedFlows(), nowNs);
        this.records = new FlowRecords<>(config.expectedFlows());
        this.flows = new FlowTable(records, random, config.expectedFlows());
        this.isn = new IsnGenerator(random);
        this.tsOffsets = new TimestampOffsets(random);
        this.ephemeralPorts = new EphemeralPorts(random);
        this.local = new LocalAddresses(config);
        this.tx = new Transmitter(link, local, counters);
        this.neighbors = new Neighbors(link, config, local, tx, counters);
    }

    // ---------------------------------------------------------------- the shard loop's calls

    /**
     * One turn of the shard: receive up to the RX budget of frames, fire due timers, serve
     * application threads' requests, send what all of that made due, and hand the frames to the
     * link in one flush. Returns the amount of work done (0: the shard may idle until {@link
     * #nextDeadlineNs()} or traffic).
     */
    public int poll(long nowNs) {
        this.nowNs = nowNs;
        int work = link.receive(receiver, config.rxBudget());
        work += wheel.expire(nowNs, timerHandler, config.timerBudget());
        work += attention.drain(nowNs, counters);
        work += output.flush(nowNs);
        neighbors.expireHeld(nowNs);
        link.flushTx();
        return work;
    }

    /** When the next timer is due (a lower bound); {@link Long#MAX_VALUE} when none is armed. */
    public long nextDeadlineNs() {
        return output.isEmpty() && attention.isEmpty() ? wheel.nextDeadlineNs() : nowNs;
    }

    /** The hook application threads use to hand a stream back to this shard; see {@link AttentionQueue}. */
    public ShardWakeup wakeup() {
        return attention;
    }

    /** Called after an application thread queued a request, to end the shard's idle wait. */
    public void onWakeupRequested(Runnable wakeShard) {
        attention.onRequest(wakeShard);
    }

    // ---------------------------------------------------------------- opening

    /** Accepts connections to {@code port} on every local address. */
    public TcpListener listen(int port, ListenHandler handler) {
        if (port <= 0 || port > 0xffff) {
            throw new IllegalArgumentException("port " + port + " is not in 1..65535");
        }
        if (listenerTable.find(0, 0, port) != ListenerTable.NONE) {
            throw new IllegalStateException("port " + port + " already has a listener");
        }
        TcpListener listener = new TcpListener(config.tcp(), config.acceptBacklog(), config.maxHalfOpen(), handler);
        int id = listeners.add(listener);
        listenerTable.bindWildcard(port, id);
        listenerPorts.put(listener, port);
        return listener;
    }

    /** Stops {@code listener}: unbinds its port and resets connections it never handed out. */
    public void close(TcpListener listener) {
        Integer port = listenerPorts.remove(listener);
        if (port == null) {
            return;
        }
        listeners.remove(listenerTable.find(0, 0, port));
        listenerTable.unbindWildcard(port);
        listener.close();
    }

    /**
     * Active open to {@code remote}:{@code port} from the first local address of its family and an
     * ephemeral port. The stream reports {@code onOpen} or {@code onClosed} through {@code handler}.
     */
    public Stream connect(InetAddress remote, int port, StreamHandler handler, long nowNs) {
        this.nowNs = nowNs;
        boolean v4 = remote instanceof Inet4Address;
        long rHi = v4 ? 0 : Addresses.longAt(remote.getAddress(), 0);
        long rLo = v4
                ? Addresses.ipv4MappedLo(Addresses.toInt((Inet4Address) remote))
                : Addresses.longAt(remote.getAddress(), 8);
        int localIndex = local.sourceFor(v4);
        long mac = neighbors.nextHopMac(v4, rLo, localIndex, nowNs);
        int localPort = ephemeralPort(localIndex, rHi, rLo, port);
        long lHi = local.hi(localIndex), lLo = local.lo(localIndex);
        int iss = isn.isn(lHi, lLo, rHi, rLo, localPort, port, nowNs);
        creatingIpv6 = !v4;
        int tsOffset = tsOffsets.offset(lHi, lLo, rHi, rLo);
        TcpConnection c = TcpConnection.connect(config.tcp(), host, handler, iss, tsOffset, nowNs);
        register(c, localIndex, rHi, rLo, localPort, port, mac);
        output.flush(nowNs);
        link.flushTx();
        return c;
    }

    private int ephemeralPort(int localIndex, long rHi, long rLo, int remotePort) {
        int offset = ephemeralPorts.offset(local.hi(localIndex), local.lo(localIndex), rHi, rLo, remotePort);
        for (int attempt = 0; attempt < EphemeralPorts.COUNT; attempt++) {
            int port = ephemeralPorts.next(offset);
            if (flows.find(localIndex, rHi, rLo, port, remotePort) == FlowTable.NOT_FOUND) {
                return port;
            }
        }
        throw new IllegalStateException("no free local port towards that peer");
    }

    private int register(TcpConnection c, int localIndex, long rHi, long rLo, int lPort, int rPort, long mac) {
        int id = records.add(c, localIndex, rHi, rLo, lPort, rPort, mac);
        flows.insert(id); // the callers looked the key up first: it is new
        c.hostHandle(id);
        counters.increment(StackCounter.CONNECTIONS_OPENED);
        return id;
    }

    // ---------------------------------------------------------------- receive path

    private void onFrame(MemorySegment memory, long offset, int length, RxChecksum checksum) {
        counters.increment(StackCounter.FRAMES_IN);
        Malformed outcome = parser.parse(memory, offset, length, checksum, frame);
        if (outcome != Malformed.NONE) {
            malformed.add(outcome);
            return;
        }
        if (frame.isArp()) {
            neighbors.onArp(frame.arp(), nowNs);
            return;
        }
        if (frame.dstMac() != link.macAddress()) {
            counters.increment(StackCounter.DROP_OTHER_MAC);
            return;
        }
        int localIndex = local.indexOf(frame.dstHi(), frame.dstLo());
        if (localIndex == LocalAddresses.NOT_LOCAL) {
            counters.increment(StackCounter.DROP_NOT_LOCAL);
            return;
        }
        if (!frame.ipv6()) {
            neighbors.onIpv4Frame(frame, nowNs);
        }
        SegmentCodec.decode(frame, in);
        int id = flows.find(
                frame.srcHi(), frame.srcLo(), FlowRecords.portsAndLocal(localIndex, frame.dstPort(), frame.srcPort()));
        if (id == FlowTable.NOT_FOUND) {
            onNoFlow(frame, localIndex);
        } else if (records.get(id) instanceof TcpConnection c) {
            c.onSegment(in, nowNs);
        } else {
            onTimeWaitSegment(id, (TimeWait) records.get(id), frame, localIndex);
        }
    }

    private void onNoFlow(ParsedFrame frame, int localIndex) {
        int listenerId = listenerTable.find(frame.dstHi(), frame.dstLo(), frame.dstPort());
        SegmentOut reply = host.segmentOut();
        if (listenerId == ListenerTable.NONE) {
            if (Resets.forClosedPort(in, reply)) {
                counters.increment(StackCounter.RST_CLOSED_PORT);
                tx.reply(frame, reply);
            }
            return;
        }
        if (!in.has(TcpFlags.SYN) || (in.flags() & (TcpFlags.ACK | TcpFlags.RST | TcpFlags.FIN)) != 0) {
            counters.increment(StackCounter.LISTENER_NON_SYN);
            if (Resets.forListener(in, reply)) {
                tx.reply(frame, reply);
            }
            return;
        }
        accept(listeners.get(listenerId), frame, localIndex);
    }

    private void accept(TcpListener listener, ParsedFrame frame, int localIndex) {
        long lHi = frame.dstHi(), lLo = frame.dstLo(), rHi = frame.srcHi(), rLo = frame.srcLo();
        int lPort = frame.dstPort(), rPort = frame.srcPort();
        int iss = isn.isn(lHi, lLo, rHi, rLo, lPort, rPort, nowNs);
        creatingIpv6 = frame.ipv6();
        TcpConnection c = listener.onSyn(in, nowNs, host, iss, tsOffsets.offset(lHi, lLo, rHi, rLo));
        if (c == null) {
            counters.increment(StackCounter.SYN_REFUSED);
            return;
        }
        register(c, localIndex, rHi, rLo, lPort, rPort, frame.srcMac());
    }

    private void onTimeWaitSegment(int id, TimeWait entry, ParsedFrame frame, int localIndex) {
        counters.increment(StackCounter.TIME_WAIT_SEGMENT);
        switch (entry.onSegment(in, nowNs, config.tcp().timeWaitNs())) {
            case DROP -> {} // a stray ACK: nothing to say
            case ACK -> ackFromTimeWait(id, entry);
            case ACK_AND_RESTART -> { // the peer's FIN again: our last ACK was lost
                ackFromTimeWait(id, entry);
                wheel.arm(id, entry.expiresNs());
            }
            case CLOSE -> forget(id); // the peer reset it (RFC 9293 3.10.7.4)
            case REOPEN -> { // a new incarnation may start (RFC 6191)
                counters.increment(StackCounter.TIME_WAIT_REOPEN);
                forget(id);
                onNoFlow(frame, localIndex);
            }
        }
    }

    private void ackFromTimeWait(int id, TimeWait entry) {
        SegmentOut ack = host.segmentOut();
        entry.ack(nowNs, ack);
        tx.send(records, id, ack);
    }

    // ---------------------------------------------------------------- timers

    private void onTimer(int id, long nowNs) {
        Object entry = records.get(id);
        if (entry instanceof TcpConnection c) {
            c.onTimer(nowNs);
        } else if (entry instanceof TimeWait tw) {
            if (tw.expiresNs() - nowNs <= 0) {
                forget(id);
            } else {
                wheel.arm(id, tw.expiresNs());
            }
        }
    }

    private void forget(int id) {
        flows.remove(id);
        wheel.cancel(id);
        records.remove(id);
    }

    // ---------------------------------------------------------------- what the rest of the shard sees

    /** Counters of frames outside connections. */
    public StackCounters counters() {
        return counters;
    }

    /** Counters of connection events (drops, resets, retransmissions, close reasons). */
    public TcpCounters tcpCounters() {
        return tcpCounters;
    }

    /** Malformed frames by reason. */
    public MalformedCounts malformed() {
        return malformed;
    }

    /** Connections held, TIME_WAIT entries included. */
    public int flowCount() {
        return flows.size();
    }

    /**
     * Bytes of the per-flow tables this stack keeps beside the connections themselves: flow table,
     * flow records and timing wheel (their whole arrays, free capacity included).
     */
    public long tableFootprintBytes() {
        return flows.footprintBytes() + records.footprintBytes() + wheel.footprintBytes();
    }

    /** The shard's buffer pool (chunks in use show the buffered bytes of all streams). */
    public BufferPool bufferPool() {
        return pool;
    }

    /** Visits every live connection (not compact TIME_WAIT entries), e.g. to sample telemetry. */
    public void forEachConnection(Consumer<TcpConnection> visitor) {
        for (int id = 0; id < records.idLimit(); id++) {
            if (records.get(id) instanceof TcpConnection c) {
                visitor.accept(c);
            }
        }
    }

    /** Whether {@code c} has its deadline on the wheel (for invariant checks in tests). */
    boolean timerArmed(TcpConnection c) {
        int id = c.hostHandle();
        return id >= 0 && wheel.armed(id);
    }

    /** The connections' view of this stack. */
    private final class ShardHost implements dev.ferry.tcp.conn.ConnectionHost {
        private final SegmentOut segmentOut = new SegmentOut();

        /** The id of {@code c} if it still owns its slot; -1 once it was replaced or forgotten. */
        private int owned(TcpConnection c) {
            int id = c.hostHandle();
            return id >= 0 && records.get(id) == c ? id : -1;
        }

        @Override
        public boolean transmit(TcpConnection c, SegmentOut segment) {
            int id = owned(c);
            if (id < 0) {
                return true; // a connection the stack has let go of has nobody to talk to
            }
            if (records.peerMac(id) == 0 && !neighbors.resolve(records, id, nowNs)) {
                neighbors.hold(records, id, segment, nowNs);
                return true; // held until ARP answers; lost segments are the RTO's business
            }
            return tx.send(records, id, segment);
        }

        @Override
        public void deadline(TcpConnection c, long deadlineNs) {
            int id = owned(c);
            if (id < 0) {
                return;
            }
            if (deadlineNs == Long.MAX_VALUE) {
                wheel.cancel(id);
            } else {
                wheel.arm(id, deadlineNs);
            }
        }

        @Override
        public void requestOutput(TcpConnection c) {
            output.add(c);
        }

        @Override
        public boolean enteredTimeWait(TcpConnection c) {
            int id = owned(c);
            if (id < 0) {
                return false;
            }
            // Keep ~40 bytes of what TIME_WAIT needs instead of the whole connection.
            TimeWait entry = c.timeWait(new TimeWait());
            records.set(id, entry);
            wheel.arm(id, entry.expiresNs());
            c.hostHandle(-1);
            counters.increment(StackCounter.TIME_WAIT_COMPACTED);
            return true;
        }

        @Override
        public void closed(TcpConnection c, dev.ferry.tcp.api.CloseReason reason) {
            int id = owned(c);
            if (id < 0) {
                return;
            }
            forget(id);
            c.hostHandle(-1);
            counters.increment(StackCounter.CONNECTIONS_CLOSED);
        }

        @Override
        public int mss(TcpConnection c) {
            int id = owned(c);
            boolean ipv6 = id >= 0 ? local.isIpv6(records.localIndex(id)) : creatingIpv6;
            return link.mtu() - (ipv6 ? 60 : 40);
        }

        @Override
        public int maxTxPayload(TcpConnection c) {
            return Math.max(mss(c), link.maxTxPayload());
        }

        @Override
        public SegmentOut segmentOut() {
            return segmentOut;
        }

        @Override
        public BufferPool bufferPool() {
            return pool;
        }

        @Override
        public TransferPool transferPool() {
            return transfers;
        }

        @Override
        public TcpCounters counters() {
            return tcpCounters;
        }
    }
}
