package dev.ferry.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ChecksumTest {
    /** The textbook definition, one 16-bit word at a time: the reference the fast loop must match. */
    private static int slowOnesComplementSum(byte[] data, int from, int length) {
        long sum = 0;
        for (int i = 0; i < length; i += 2) {
            int hi = data[from + i] & 0xff;
            int lo = i + 1 < length ? data[from + i + 1] & 0xff : 0;
            sum += (hi << 8) | lo;
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }

    @Test
    void rfc1071Example() {
        // RFC 1071 section 3: bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2.
        byte[] data = {0x00, 0x01, (byte) 0xf2, 0x03, (byte) 0xf4, (byte) 0xf5, (byte) 0xf6, (byte) 0xf7};
        assertThat(Checksum.fold(Checksum.add(MemorySegment.ofArray(data), 0, data.length, 0)))
                .isEqualTo(0xddf2);
        assertThat(Checksum.finish(Checksum.add(MemorySegment.ofArray(data), 0, data.length, 0)))
                .isEqualTo(0x220d);
    }

    @Test
    void fastSumMatchesTheWordByWordDefinitionForEveryLengthAndOffset() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] data = new byte[2048];
        for (int round = 0; round < 50; round++) {
            random.nextBytes(data);
            if (round % 5 == 0) java.util.Arrays.fill(data, (byte) 0xff); // worst case for carries
            for (int length = 0; length < 200; length++) {
                int from = random.nextInt(64);
                int expected = slowOnesComplementSum(data, from, length);
                int got = Checksum.fold(Checksum.add(MemorySegment.ofArray(data), from, length, 0));
                // 0x0000 and 0xffff are both one's complement zero; the fold of a non-empty sum of
                // all-ones words yields 0xffff, as does the reference.
                assertThat(got)
                        .as("seed %d, length %d, offset %d", seed, length, from)
                        .isEqualTo(expected);
            }
        }
        int from = 3;
        int length = 1999;
        assertThat(Checksum.fold(Checksum.add(MemorySegment.ofArray(data), from, length, 0)))
                .as("seed %d", seed)
                .isEqualTo(slowOnesComplementSum(data, from, length));
    }

    @Test
    void rangesOfEvenLengthAddUpInAnyOrder() {
        byte[] data = new byte[1500];
        new Random(7).nextBytes(data);
        MemorySegment m = MemorySegment.ofArray(data);
        long whole = Checksum.add(m, 0, 1500, 0);
        long parts = Checksum.add(m, 600, 900, Checksum.add(m, 0, 600, 0));
        assertThat(Checksum.fold(parts)).isEqualTo(Checksum.fold(whole));
    }

    @Test
    void ipv4PseudoHeaderIsTheSumOfItsTwelveBytes() {
        byte[] pseudo = {10, 0, 0, 1, (byte) 192, (byte) 168, 1, (byte) 200, 0, 6, 0x05, (byte) 0xdc};
        assertThat(Checksum.fold(Checksum.ipv4PseudoHeader(0x0a000001, 0xc0a801c8, 6, 1500)))
                .isEqualTo(slowOnesComplementSum(pseudo, 0, pseudo.length));
    }

    @Test
    void ipv6PseudoHeaderIsTheSumOfItsFortyBytes() {
        byte[] pseudo = new byte[40];
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(pseudo);
        b.putLong(0x2001_0db8_0000_0000L)
                .putLong(0xaL)
                .putLong(0xfe80_0000_0000_0000L)
                .putLong(0xffff_ffff_ffff_ffffL);
        b.putInt(70000).putInt(6);
        assertThat(Checksum.fold(
                        Checksum.ipv6PseudoHeader(0x2001_0db8_0000_0000L, 0xaL, 0xfe80_0000_0000_0000L, -1L, 6, 70000)))
                .isEqualTo(slowOnesComplementSum(pseudo, 0, 40));
    }

    @Test
    void incrementalUpdateEqualsRecomputing() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] data = new byte[64];
        MemorySegment m = MemorySegment.ofArray(data);
        for (int i = 0; i < 10_000; i++) {
            random.nextBytes(data);
            if (i % 100 == 0) java.util.Arrays.fill(data, (byte) 0);
            int before = Checksum.finish(Checksum.add(m, 0, 64, 0));
            int at = random.nextInt(16) * 4;
            int oldValue = NetworkOrder.u32(m, at);
            int newValue = i % 50 == 0 ? 0 : random.nextInt();
            NetworkOrder.putU32(m, at, newValue);
            int after = Checksum.finish(Checksum.add(m, 0, 64, 0));
            int updated = Checksum.update32(before, oldValue, newValue);
            assertThat(equivalent(updated, after))
                    .as("seed %d, case %d", seed, i)
                    .isTrue();
            int oldWord = NetworkOrder.u16(m, at);
            int newWord = random.nextInt(0x10000);
            NetworkOrder.putU16(m, at, newWord);
            int again = Checksum.finish(Checksum.add(m, 0, 64, 0));
            assertThat(equivalent(Checksum.update16(after, oldWord, newWord), again))
                    .as("seed %d, case %d", seed, i)
                    .isTrue();
        }
    }

    /** RFC 1624 section 3: 0x0000 and 0xffff are the same one's complement number. */
    private static boolean equivalent(int a, int b) {
        return a == b || (a | b) == 0xffff && (a & b) == 0;
    }

    @Test
    void aStoredChecksumMakesTheRangeVerify() {
        byte[] data = new byte[41];
        new Random(3).nextBytes(data);
        data[10] = 0;
        data[11] = 0;
        MemorySegment m = MemorySegment.ofArray(data);
        int sum = Checksum.finish(Checksum.add(m, 0, data.length, 0));
        NetworkOrder.putU16(m, 10, sum);
        assertThat(Checksum.verifies(Checksum.add(m, 0, data.length, 0))).isTrue();
        data[40] ^= 1;
        assertThat(Checksum.verifies(Checksum.add(m, 0, data.length, 0))).isFalse();
    }
}
