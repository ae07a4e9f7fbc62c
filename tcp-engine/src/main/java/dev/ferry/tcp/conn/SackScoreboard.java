package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;

/**
 * What the peer said it holds beyond SND.UNA (RFC 2018): the SACKed ranges of our send sequence
 * space, kept sorted, disjoint and non-adjacent, all inside (SND.UNA, SND.MAX]. The data sender's
 * "scoreboard" of RFC 6675 section 3, as ranges rather than one flag per segment.
 *
 * <p>A fixed number of ranges, allocated once with the connection's {@link Transfer}: nothing is
 * allocated per ACK. When a new range finds no room, the highest range is the one forgotten (or
 * the new one, if it is the highest): holes near SND.UNA are the ones recovery works on, and a
 * forgotten range only makes its bytes look un-SACKed (resent at worst, never lost). The data
 * stays in the send buffer until cumulatively acknowledged either way, since a receiver may
 * discard what it SACKed (RFC 2018 section 8).
 */
final class SackScoreboard {
    /** Ranges kept at most: a 256 KB send buffer at 10% loss has about 18 holes. */
    static final int CAPACITY = 32;

    private final int[] left = new int[CAPACITY];
    private final int[] right = new int[CAPACITY];
    private int count;
    private int sackedBytes;

    void clear() {
        count = 0;
        sackedBytes = 0;
    }

    boolean isEmpty() {
        return count == 0;
    }

    /** Ranges held. */
    int count() {
        return count;
    }

    /** Left edge of range {@code i} (0 is the lowest). */
    int left(int i) {
        return left[i];
    }

    /** Right edge (exclusive) of range {@code i}. */
    int right(int i) {
        return right[i];
    }

    /** Bytes SACKed in all. */
    int sackedBytes() {
        return sackedBytes;
    }

    /** The end of the highest SACKed range; {@code otherwise} when nothing is SACKed. */
    int highestSacked(int otherwise) {
        return count == 0 ? otherwise : right[count - 1];
    }

    /**
     * Records that the peer holds [from, to), which the caller checked lies inside (SND.UNA,
     * SND.MAX]. Returns the bytes that were not SACKed before (0 when the range found no room:
     * counted as {@link TcpCounter#SACK_SCOREBOARD_FULL}, as is a range displaced for it).
     */
    int add(int from, int to, TcpCounters counters) {
        int first = 0; // the first range that ends at or after from (touching counts: they merge)
        while (first < count && Seq.lt(right[first], from)) {
            first++;
        }
        int last = first - 1; // the last range that starts at or before to
        while (last + 1 < count && Seq.le(left[last + 1], to)) {
            last++;
        }
        if (last < first) {
            return insert(first, from, to, counters);
        }
        int newLeft = Seq.min(from, left[first]);
        int newRight = Seq.max(to, right[last]);
        int covered = 0;
        for (int i = first; i <= last; i++) {
            covered += Seq.distance(left[i], right[i]);
        }
        int added = Seq.distance(newLeft, newRight) - covered;
        left[first] = newLeft;
        right[first] = newRight;
        int removed = last - first;
        if (removed > 0) {
            System.arraycopy(left, last + 1, left, first + 1, count - last - 1);
            System.arraycopy(right, last + 1, right, first + 1, count - last - 1);
            count -= removed;
        }
        sackedBytes += added;
        return added;
    }

    private int insert(int at, int from, int to, TcpCounters counters) {
        if (count == CAPACITY) {
            counters.increment(TcpCounter.SACK_SCOREBOARD_FULL);
            if (at == count) {
                return 0; // the new range is the highest: it is the one not kept
            }
            count--;
            sackedBytes -= Seq.distance(left[count], right[count]);
        }
        System.arraycopy(left, at, left, at + 1, count - at);
        System.arraycopy(right, at, right, at + 1, count - at);
        left[at] = from;
        right[at] = to;
        count++;
        int added = Seq.distance(from, to);
        sackedBytes += added;
        return added;
    }

    /**
     * Forgets what the cumulative ACK {@code ack} now covers. Returns true when {@code ack} ends
     * at or inside a range the peer SACKed: a receiver holding those bytes would have acknowledged
     * past them, so it must have discarded them (reneging, RFC 2018 section 8).
     */
    boolean acknowledge(int ack) {
        int drop = 0;
        while (drop < count && Seq.le(right[drop], ack)) {
            sackedBytes -= Seq.distance(left[drop], right[drop]);
            drop++;
        }
        if (drop > 0) {
            System.arraycopy(left, drop, left, 0, count - drop);
            System.arraycopy(right, drop, right, 0, count - drop);
            count -= drop;
        }
        if (count > 0 && Seq.le(left[0], ack)) {
            sackedBytes -= Seq.distance(left[0], ack);
            left[0] = ack;
            return true;
        }
        return false;
    }

    /** Bytes SACKed within [from, to). */
    int sackedWithin(int from, int to) {
        int bytes = 0;
        for (int i = 0; i < count && Seq.lt(left[i], to); i++) {
            int start = Seq.max(left[i], from);
            int end = Seq.min(right[i], to);
            if (Seq.lt(start, end)) {
                bytes += Seq.distance(start, end);
            }
        }
        return bytes;
    }

    /** The end of the highest SACKed byte within [from, to); {@code from} when none is. */
    int highestSackedWithin(int from, int to) {
        int highest = from;
        for (int i = 0; i < count && Seq.lt(left[i], to); i++) {
            if (Seq.gt(right[i], from)) {
                highest = Seq.min(right[i], to);
            }
        }
        return highest;
    }

    /** Whether {@code seq} was SACKed. */
    boolean isSacked(int seq) {
        for (int i = 0; i < count && Seq.le(left[i], seq); i++) {
            if (Seq.lt(seq, right[i])) {
                return true;
            }
        }
        return false;
    }

    /** The first sequence number at or after {@code seq} that is not SACKed. */
    int skipSacked(int seq) {
        for (int i = 0; i < count && Seq.le(left[i], seq); i++) {
            if (Seq.lt(seq, right[i])) {
                return right[i]; // ranges never touch: the byte after a range is a hole's
            }
        }
        return seq;
    }

    /** The left edge of the first range after {@code seq}, or {@code limit} if it comes first. */
    int nextSackedAfter(int seq, int limit) {
        for (int i = 0; i < count; i++) {
            if (Seq.gt(left[i], seq)) {
                return Seq.min(left[i], limit);
            }
        }
        return limit;
    }

    /**
     * RFC 6675's IsLost as a boundary: every un-SACKed byte below the returned sequence number has
     * at least {@code dupThresh} SACKed ranges above it, or more than {@code (dupThresh - 1) *
     * mss} SACKed bytes; none at or above it has. {@code otherwise} when no byte qualifies.
     * (IsLost of a byte can only grow with the SACKed data above it, so one boundary describes it.)
     */
    int lostBoundary(int dupThresh, int mss, int otherwise) {
        long bytesAbove = 0;
        for (int i = count - 1; i >= 0; i--) {
            bytesAbove += Seq.distance(left[i], right[i]);
            if (count - i >= dupThresh || bytesAbove > (long) (dupThresh - 1) * mss) {
                return left[i];
            }
        }
        return otherwise;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("SackScoreboard[");
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ")
                    .append(Integer.toUnsignedString(left[i]))
                    .append('-')
                    .append(Integer.toUnsignedString(right[i]));
        }
        return text.append(']').toString();
    }
}
