package dev.ferry.tcp.sim;

import java.util.function.Consumer;

/**
 * How the simulated network treats what an endpoint sends: when (and whether, and how often) each
 * unit arrives at the other end. Independent of what the units are (segments here; frames in the
 * frame-level simulation), so the same impairments can sit under either.
 */
interface NetworkModel {
    /**
     * Takes one unit of {@code wireBytes} sent now in direction {@code direction} (0: client to
     * server, 1: back) and schedules its arrivals on {@code clock}, calling {@code deliver} for
     * each (none when lost, two when duplicated).
     */
    <P> void carry(P unit, int wireBytes, int direction, EventQueue clock, Consumer<P> deliver);
}
