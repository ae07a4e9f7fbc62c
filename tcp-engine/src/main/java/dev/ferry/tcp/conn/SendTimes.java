package dev.ferry.tcp.conn;

import dev.ferry.tcp.seq.Seq;

/**
 * When each outstanding piece of our send sequence space last left: RFC 8985's per-segment
 * {@code Segment.xmit_ts}, kept as records of [start, end) sequence ranges with one send time,
 * sorted by sequence number, disjoint, in a fixed ring (allocated once with the {@link Transfer}).
 *
 * <p>One record per transmission, not per segment: what one event sends at one {@code nowNs} in
 * sequence order is one record (a burst, or a GSO frame of many segments), so a send buffer of
 * 180 segments needs far fewer records than segments. A retransmission cuts its range out of the
 * records it overlaps and gets a record of its own with the new time.
 *
 * <p>Times are the engine's {@code nowNs}: RACK compares them with RTTs of tens of microseconds on
 * veth, which coarse millisecond ticks could not resolve.
 *
 * <p>When the ring is full, what does not fit is left untracked, never merged under a wrong time:
 * an untracked range is never judged lost by RACK and never moves RACK's clock, so it is simply
 * left to the RTO (counted as {@link TcpCounter#SEND_TIMES_FULL}).
 */
final class SendTimes {
    /** Records kept at most (a power of two: the ring index is masked). */
    static final int CAPACITY = 128;

    private static final int MASK = CAPACITY - 1;
    /** The range was sent before: its time is that of its latest retransmission. */
    static final byte RETRANSMITTED = 1;
    /** RACK judged the range (its latest transmission) lost, and it was not sent again since. */
    static final byte LOST = 1 << 1;
    /** Some of it was acknowledged or SACKed and its time taken into RACK's clock already. */
    static final byte DELIVERED = 1 << 2;

    private final int[] start = new int[CAPACITY];
    private final int[] end = new int[CAPACITY];
    private final long[] sentNs = new long[CAPACITY];
    private final byte[] marks = new byte[CAPACITY];
    private int head;
    private int count;
    private int retransmittedRecords;
    private int lostRecords;

    void clear() {
        head = 0;
        count = 0;
        retransmittedRecords = 0;
        lostRecords = 0;
    }

    /** Records marked {@link #LOST}. */
    int lostRecords() {
        return lostRecords;
    }

    int count() {
        return count;
    }

    /** Records that hold a retransmission. */
    int retransmittedRecords() {
        return retransmittedRecords;
    }

    int start(int i) {
        return start[slot(i)];
    }

    int end(int i) {
        return end[slot(i)];
    }

    long sentNs(int i) {
        return sentNs[slot(i)];
    }

    boolean has(int i, byte mark) {
        return (marks[slot(i)] & mark) != 0;
    }

    void mark(int i, byte mark) {
        int s = slot(i);
        if ((mark & LOST) != 0 && (marks[s] & LOST) == 0) {
            lostRecords++;
        }
        marks[s] |= mark;
    }

    private int slot(int i) {
        return (head + i) & MASK;
    }

    /**
     * [from, to) left for the first time at {@code nowNs}, above everything recorded. Returns
     * false when it found no room (it stays untracked).
     */
    boolean sent(int from, int to, long nowNs) {
        if (count > 0) {
            int last = slot(count - 1);
            if (Seq.lt(from, end[last])) {
                return resent(from, to, nowNs); // not above after all: some of it left before
            }
            if (end[last] == from && sentNs[last] == nowNs && marks[last] == 0) {
                end[last] = to; // the same burst
                return true;
            }
        }
        if (count == CAPACITY) {
            return false;
        }
        set(slot(count), from, to, nowNs, (byte) 0);
        count++;
        return true;
    }

    /**
     * [from, to) was sent again at {@code nowNs}: it leaves the records it overlapped and gets its
     * own. Returns false when no room was left for it (it stays untracked, as do, if they had to
     * give way, the pieces the cut left over).
     */
    boolean resent(int from, int to, long nowNs) {
        int first = 0; // the first record that ends after from
        while (first < count && !Seq.gt(end(first), from)) {
            first++;
        }
        int last = first - 1; // the last record that starts before to
        while (last + 1 < count && Seq.lt(start(last + 1), to)) {
            last++;
        }
        // What the cut leaves of the first and last records overlapped.
        boolean keepLeft = last >= first && Seq.lt(start(first), from);
        boolean keepRight = last >= first && Seq.gt(end(last), to);
        int leftStart = keepLeft ? start(first) : 0;
        long leftNs = keepLeft ? sentNs(first) : 0;
        byte leftMarks = keepLeft ? marks[slot(first)] : 0;
        int rightEnd = keepRight ? end(last) : 0;
        long rightNs = keepRight ? sentNs(last) : 0;
        byte rightMarks = keepRight ? marks[slot(last)] : 0;
        removeRange(first, last - first + 1);
        int at = first;
        if (keepLeft) {
            insert(at++, leftStart, from, leftNs, leftMarks); // the removal made room
        }
        boolean tracked = true;
        int previous = slot(at - 1);
        if (!keepLeft
                && at > 0
                && end[previous] == from
                && sentNs[previous] == nowNs
                && marks[previous] == RETRANSMITTED) {
            end[previous] = to; // the next hole of the same resend
        } else if (count < CAPACITY) {
            insert(at++, from, to, nowNs, RETRANSMITTED);
        } else {
            tracked = false;
        }
        if (keepRight && count < CAPACITY) {
            insert(at, to, rightEnd, rightNs, rightMarks);
        }
        return tracked;
    }

    /** Forgets what the cumulative ACK {@code una} covers. */
    void acknowledge(int una) {
        while (count > 0 && !Seq.gt(end(0), una)) {
            uncount(marks[head]);
            head = (head + 1) & MASK;
            count--;
        }
        if (count > 0 && Seq.lt(start[head], una)) {
            start[head] = una;
        }
    }

    /** Clears {@code mark} on every record. */
    void clearMark(byte mark) {
        for (int i = 0; i < count; i++) {
            marks[slot(i)] &= (byte) ~mark;
        }
        if ((mark & LOST) != 0) {
            lostRecords = 0;
        }
    }

    private void uncount(byte m) {
        if ((m & RETRANSMITTED) != 0) {
            retransmittedRecords--;
        }
        if ((m & LOST) != 0) {
            lostRecords--;
        }
    }

    private void set(int s, int from, int to, long ns, byte m) {
        start[s] = from;
        end[s] = to;
        sentNs[s] = ns;
        marks[s] = m;
        if ((m & RETRANSMITTED) != 0) {
            retransmittedRecords++;
        }
        if ((m & LOST) != 0) {
            lostRecords++;
        }
    }

    /** Inserts at index {@code at}, shifting the later records up (count < CAPACITY). */
    private void insert(int at, int from, int to, long ns, byte m) {
        for (int i = count; i > at; i--) {
            copy(slot(i - 1), slot(i));
        }
        count++;
        set(slot(at), from, to, ns, m);
    }

    /** Removes {@code n} records from index {@code at}. */
    private void removeRange(int at, int n) {
        if (n <= 0) {
            return;
        }
        for (int i = at; i < at + n; i++) {
            uncount(marks[slot(i)]);
        }
        for (int i = at; i + n < count; i++) {
            copy(slot(i + n), slot(i));
        }
        count -= n;
    }

    private void copy(int from, int to) {
        start[to] = start[from];
        end[to] = end[from];
        sentNs[to] = sentNs[from];
        marks[to] = marks[from];
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("SendTimes[");
        for (int i = 0; i < count; i++) {
            text.append(i == 0 ? "" : " ")
                    .append(Integer.toUnsignedString(start(i)))
                    .append('-')
                    .append(Integer.toUnsignedString(end(i)))
                    .append('@')
                    .append(sentNs(i))
                    .append(has(i, RETRANSMITTED) ? "R" : "")
                    .append(has(i, LOST) ? "L" : "")
                    .append(has(i, DELIVERED) ? "D" : "");
        }
        return text.append(']').toString();
    }
}
