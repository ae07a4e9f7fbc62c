package dev.ferry.tcp.sim;

import dev.ferry.tcp.api.CloseReason;
import dev.ferry.tcp.conn.SegmentOut;
import dev.ferry.tcp.conn.TcpConfig;
import dev.ferry.tcp.conn.TcpConnection;
import dev.ferry.tcp.conn.TcpState;
import dev.ferry.tcp.seq.Seq;
import dev.ferry.tcp.wire.TcpFlags;
import java.util.SplittableRandom;

/**
 * One seeded run: a client and a server connection joined by an {@link ImpairedNetwork}, each
 * driven by a {@link StreamApp}, every parameter drawn from the seed. After every event the
 * invariants are checked; at the end, that both streams arrived intact and both sides closed in
 * order and gave back every buffer.
 *
 * <p>Invariants after every event: SND.UNA <= SND.NXT <= SND.MAX; no data sent beyond the right
 * edge of the window the receiver advertised; no ACK of bytes never sent; the host's timer is
 * armed no later than the connection needs it, and armed at all in every state that needs one; a
 * closed connection reports no deadline.
 */
final class Simulation {
    private static final long MS = 1_000_000L;
    private static final long MAX_VIRTUAL_NS = 6L * 3600 * 1000 * MS;
    private static final long MAX_EVENTS = 1_000_000;

    /** {@code -Dferry.sim.trace=true}: print every segment (for replaying one seed). */
    static final boolean TRACE = Boolean.getBoolean("ferry.sim.trace");

    final long seed;
    final SplittableRandom random;
    final EventQueue clock = new EventQueue();
    final ImpairedNetwork network;
    final SimEndpoint client;
    final SimEndpoint server;
    int lateResets;
    private final String description;

    Simulation(long seed) {
        this.seed = seed;
        this.random = new SplittableRandom(seed);
        this.network = randomNetwork(random.split());
        // Even seeds run RACK-TLP (the default), odd ones RFC 6675 alone: both stay covered
        // without drawing from the seed's random stream, so every scenario is what it was.
        boolean rackTlp = (seed & 1) == 0;
        TcpConfig clientConfig = randomConfig(random, rackTlp);
        TcpConfig serverConfig = randomConfig(random, rackTlp);
        this.client = endpoint("client", 0, clientConfig);
        this.server = endpoint("server", 1, serverConfig);
        client.peer = server;
        server.peer = client;
        long clientBytes = randomVolume(random);
        long serverBytes = randomVolume(random);
        int clientSalt = random.nextInt();
        int serverSalt = random.nextInt();
        boolean clientHalfCloses = random.nextBoolean();
        boolean serverHalfCloses = !clientHalfCloses || random.nextBoolean();
        client.app = new StreamApp(
                this, client, random.split(), clientBytes, serverBytes, clientSalt, serverSalt, clientHalfCloses);
        server.app = new StreamApp(
                this, server, random.split(), serverBytes, clientBytes, serverSalt, clientSalt, serverHalfCloses);
        this.description = "seed " + seed + ": " + network + " client " + describe(client) + " " + clientBytes
                + "B, server " + describe(server) + " " + serverBytes + "B";
    }

    private SimEndpoint endpoint(String name, int direction, TcpConfig config) {
        int[] msses = {536, 1000, 1460, 8960};
        int mss = msses[random.nextInt(msses.length)];
        int maxTx = random.nextInt(3) == 0 ? 65_000 : mss;
        return new SimEndpoint(name, direction, this, config, mss, maxTx, random.nextBoolean());
    }

    private static String describe(SimEndpoint e) {
        TcpConfig c = e.config;
        return "[mss=" + e.mss + " tx=" + e.maxTxPayload + " rcvbuf=" + c.receiveBufferBytes() + " sndbuf="
                + c.sendBufferBytes() + (c.timestamps() ? " ts" : "") + (c.sack() ? " sack" : "")
                + (c.windowScaling() ? " ws" : "") + (c.noDelay() ? " nodelay" : "") + (c.rackTlp() ? " rack" : "")
                + "]";
    }

    private static ImpairedNetwork randomNetwork(SplittableRandom r) {
        int kind = r.nextInt(10);
        double loss = kind < 3 ? 0 : kind < 9 ? r.nextDouble() * 0.03 : r.nextDouble() * 0.12;
        double duplicate = r.nextInt(3) == 0 ? r.nextDouble() * 0.03 : 0;
        double reorder = r.nextInt(3) == 0 ? r.nextDouble() * 0.1 : 0;
        long delay = 10_000L + r.nextLong(r.nextBoolean() ? 1_000_000L : 30_000_000L);
        long jitter = r.nextBoolean() ? r.nextLong(delay + 1) : 0;
        long rate = r.nextBoolean() ? 1_000_000_000L : 200_000L + r.nextLong(50_000_000L);
        // At least two of the largest packets (MSS 8960 + headers) fit the bottleneck queue.
        int queue = 20_000 + r.nextInt(r.nextBoolean() ? 64_000 : 1_000_000);
        return new ImpairedNetwork(r, loss, duplicate, reorder, delay, jitter, rate, queue);
    }

    private static TcpConfig randomConfig(SplittableRandom r, boolean rackTlp) {
        int[] buffers = {1024, 4096, 16_384, 65_536, 262_144, 1 << 20};
        return TcpConfig.builder()
                .receiveBufferBytes(buffers[r.nextInt(buffers.length)])
                .sendBufferBytes(buffers[r.nextInt(buffers.length)])
                .timestamps(r.nextInt(4) > 0)
                .sack(r.nextInt(4) > 0)
                .windowScaling(r.nextInt(4) > 0)
                .noDelay(r.nextBoolean())
                .delayedAckNs(r.nextBoolean() ? 40 * MS : 1 + r.nextLong(200 * MS))
                .timeWaitNs(20_000 * MS + r.nextLong(100_000 * MS))
                // Loss up to 12% each way must never make a side give up: retries well beyond it.
                .synRetries(25)
                .synAckRetries(25)
                .maxRetransmits(40)
                .rackTlp(rackTlp)
                .build();
    }

    private static long randomVolume(SplittableRandom r) {
        return switch (r.nextInt(8)) {
            case 0 -> 0;
            case 1, 2, 3 -> r.nextLong(3_000);
            case 4, 5, 6 -> r.nextLong(100_000);
            default -> r.nextLong(600_000);
        };
    }

    /** Runs to the end and checks the outcome; throws with the seed and scenario on any failure. */
    void run() {
        try {
            start();
            while (!(client.done && server.done && client.app.finished() && server.app.finished())) {
                if (!clock.runNext()) {
                    throw new AssertionError("stuck: nothing left to happen; " + client + " " + server);
                }
                if (clock.nowNs() > MAX_VIRTUAL_NS || clock.eventsRun() > MAX_EVENTS) {
                    throw new AssertionError("no end after " + clock.eventsRun() + " events, " + clock.nowNs() / MS
                            + " ms; " + client + " " + server);
                }
            }
            checkOutcome();
        } catch (Throwable t) {
            throw new AssertionError(
                    "simulation failed, " + description + "\n  replay alone with -Dferry.sim.seed=" + seed, t);
        }
    }

    private void start() {
        server.listener = new dev.ferry.tcp.conn.TcpListener(server.config, 4, 4, listener -> {
            var stream = listener.accept();
            stream.handler(server.app);
        });
        server.listening = true;
        clock.at(random.nextLong(5 * MS), () -> {
            client.connection = TcpConnection.connect(
                    client.config, client, client.app, random.nextInt(), random.nextInt(), clock.nowNs());
            afterEvent();
        });
    }

    private void checkOutcome() {
        for (SimEndpoint e : new SimEndpoint[] {client, server}) {
            StreamApp app = e.app;
            if (app.closedReason == CloseReason.RESET_BY_PEER && lateResetAfterTimeWait(e)) {
                lateResets++;
            } else {
                assertTrue(app.closedReason == CloseReason.NORMAL, () -> e.name + " closed with " + app.closedReason);
                assertTrue(e.closed == CloseReason.NORMAL, () -> e.name + " host saw " + e.closed);
            }
            assertTrue(app.written == app.sendTotal, () -> e.name + " wrote " + app.written + " of " + app.sendTotal);
            assertTrue(
                    app.received == app.receiveTotal,
                    () -> e.name + " read " + app.received + " of " + app.receiveTotal);
            assertTrue(app.opens == 1, () -> e.name + " opened " + app.opens + " times");
            assertTrue(e.pool.chunksInUse() == 0, () -> e.name + " still holds " + e.pool.chunksInUse() + " chunks");
            assertTrue(e.deadlineReportsAfterClose == 0, () -> e.name + " reported deadlines after closing");
        }
        assertTrue(client.app.sentHash() == server.app.receivedHash(), () -> "client->server stream hash differs");
        assertTrue(server.app.sentHash() == client.app.receivedHash(), () -> "server->client stream hash differs");
    }

    /**
     * The one reset an orderly close can end with: this side's final ACK-less retransmissions
     * outlived the peer's TIME_WAIT (every ACK of them was lost), and the peer, its connection
     * gone, answered with a reset. Legitimate only if the peer had received everything, our FIN
     * included, and closed normally.
     */
    private boolean lateResetAfterTimeWait(SimEndpoint e) {
        SimEndpoint peer = e.peer;
        return peer.closed == CloseReason.NORMAL
                && peer.app.endOfInput
                && peer.app.received == peer.app.receiveTotal
                && e.app.written == e.app.sendTotal;
    }

    /** Called after every event. */
    void afterEvent() {
        checkEndpoint(client);
        checkEndpoint(server);
    }

    private void checkEndpoint(SimEndpoint e) {
        TcpConnection c = e.connection;
        if (c == null || e.retired) {
            return;
        }
        if (e.done || c.state() == TcpState.CLOSED) {
            assertTrue(c.neededDeadlineNs() == Long.MAX_VALUE, () -> e.name + ": a timer needed in CLOSED");
            return;
        }
        assertTrue(
                Seq.le(c.sndUna(), c.sndNxt()) && Seq.le(c.sndNxt(), c.sndMax()),
                () -> e.name + ": SND.UNA <= SND.NXT <= SND.MAX broken: " + c);
        if (e.flushesPending > 0) {
            return; // an application call left output (and maybe a deadline) for this turn's flush
        }
        long needed = c.neededDeadlineNs();
        assertTrue(
                e.armedNs <= needed,
                () -> e.name + ": timer armed at " + e.armedNs + " but needed at " + needed + ": " + c);
        boolean mustHaveTimer = switch (c.state()) {
            case SYN_SENT, SYN_RECEIVED, TIME_WAIT -> true;
            default -> c.sndMax() != c.sndUna() || (e.sendsData(c.state()) && c.sendQueued() > 0);
        };
        assertTrue(!mustHaveTimer || needed != Long.MAX_VALUE, () -> e.name + ": no timer in " + c);
    }

    void trace(String what) {
        if (TRACE) {
            System.out.printf("%12.6f ms %s%n", clock.nowNs() / 1e6, what);
        }
    }

    /** Checks one segment as it leaves {@code e}. */
    void checkSegment(SimEndpoint e, TcpConnection c, SegmentOut segment) {
        if (TRACE) {
            trace(e.name + " sends " + segment + " " + c);
        }
        SimEndpoint peer = e.peer;
        if (segment.payloadLength() > 0 && peer.connection != null) {
            int end = segment.seq() + segment.payloadLength();
            assertTrue(
                    Seq.le(end, peer.advertisedEdge()),
                    () -> e.name + ": data up to " + Integer.toUnsignedString(end)
                            + " beyond the peer's advertised edge " + Integer.toUnsignedString(peer.advertisedEdge()));
        }
        if ((segment.flags() & TcpFlags.ACK) != 0 && (segment.flags() & TcpFlags.RST) == 0) {
            assertTrue(peer.acknowledges(segment.ack()), () -> e.name + ": ACK of bytes never sent: " + segment);
        }
        assertTrue(segment.optionsLength() <= 40, () -> e.name + ": options do not fit: " + segment);
    }

    /** Messages are built only on failure: the checks run after every event. */
    private static void assertTrue(boolean condition, java.util.function.Supplier<String> message) {
        if (!condition) {
            throw new AssertionError(message.get());
        }
    }

    String description() {
        return description;
    }
}
