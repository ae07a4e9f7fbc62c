package dev.ferry.tcp.isn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SipHashTest {
    /** The key of the published vectors: bytes 00 01 .. 0f. */
    private static final SipHash REFERENCE_KEY = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0908L);

    /**
     * SipHash-2-4 of the messages 00, 00 01, ..., 00 01 .. 3e (lengths 0..63) under the reference key,
     * as listed by the reference implementation (vectors.h, vectors_sip64) and read little-endian.
     */
    private static final long[] VECTORS_2_4 = {
        0x726fdb47dd0e0e31L, 0x74f839c593dc67fdL, 0x0d6c8009d9a94f5aL, 0x85676696d7fb7e2dL,
        0xcf2794e0277187b7L, 0x18765564cd99a68dL, 0xcbc9466e58fee3ceL, 0xab0200f58b01d137L,
        0x93f5f5799a932462L, 0x9e0082df0ba9e4b0L, 0x7a5dbbc594ddb9f3L, 0xf4b32f46226bada7L,
        0x751e8fbc860ee5fbL, 0x14ea5627c0843d90L, 0xf723ca908e7af2eeL, 0xa129ca6149be45e5L,
        0x3f2acc7f57c29bdbL, 0x699ae9f52cbe4794L, 0x4bc1b3f0968dd39cL, 0xbb6dc91da77961bdL,
        0xbed65cf21aa2ee98L, 0xd0f2cbb02e3b67c7L, 0x93536795e3a33e88L, 0xa80c038ccd5ccec8L,
        0xb8ad50c6f649af94L, 0xbce192de8a85b8eaL, 0x17d835b85bbb15f3L, 0x2f2e6163076bcfadL,
        0xde4daaaca71dc9a5L, 0xa6a2506687956571L, 0xad87a3535c49ef28L, 0x32d892fad841c342L,
        0x7127512f72f27cceL, 0xa7f32346f95978e3L, 0x12e0b01abb051238L, 0x15e034d40fa197aeL,
        0x314dffbe0815a3b4L, 0x027990f029623981L, 0xcadcd4e59ef40c4dL, 0x9abfd8766a33735cL,
        0x0e3ea96b5304a7d0L, 0xad0c42d6fc585992L, 0x187306c89bc215a9L, 0xd4a60abcf3792b95L,
        0xf935451de4f21df2L, 0xa9538f0419755787L, 0xdb9acddff56ca510L, 0xd06c98cd5c0975ebL,
        0xe612a3cb9ecba951L, 0xc766e62cfcadaf96L, 0xee64435a9752fe72L, 0xa192d576b245165aL,
        0x0a8787bf8ecb74b2L, 0x81b3e73d20b49b6fL, 0x7fa8220ba3b2eceaL, 0x245731c13ca42499L,
        0xb78dbfaf3a8d83bdL, 0xea1ad565322a1a0bL, 0x60e61c23a3795013L, 0x6606d7e446282b93L,
        0x6ca4ecb15c5f91e1L, 0x9f626da15c9625f3L, 0xe51b38608ef25f57L, 0x958a324ceb064572L,
    };

    /**
     * SipHash-1-3 of the same messages under the same key. The SipHash paper publishes no 1-3 table;
     * these are the vectors Rust's standard library checks its SipHasher13 against
     * (library/core/tests/hash/sip.rs), read little-endian.
     */
    private static final long[] VECTORS_1_3 = {
        0xabac0158050fc4dcL, 0xc9f49bf37d57ca93L, 0x82cb9b024dc7d44dL, 0x8bf80ab8e7ddf7fbL,
        0xcf75576088d38328L, 0xdef9d52f49533b67L, 0xc50d2b50c59f22a7L, 0xd3927d989bb11140L,
        0x369095118d299a8eL, 0x25a48eb36c063de4L, 0x79de85ee92ff097fL, 0x70c118c1f94dc352L,
        0x78a384b157b4d9a2L, 0x306f760c1229ffa7L, 0x605aa111c0f95d34L, 0xd320d86d2a519956L,
        0xcc4fdd1a7d908b66L, 0x9cf2689063dbd80cL, 0x8ffc389cb473e63eL, 0xf21f9de58d297d1cL,
        0xc0dc2f46a6cce040L, 0xb992abfe2b45f844L, 0x7ffe7b9ba320872eL, 0x525a0e7fdae6c123L,
        0xf464aeb267349c8cL, 0x45cd5928705b0979L, 0x3a3e35e3ca9913a5L, 0xa91dc74e4ade3b35L,
        0xfb0bed02ef6cd00dL, 0x88d93cb44ab1e1f4L, 0x540f11d643c5e663L, 0x2370dd1f8c21d1bcL,
        0x81157b6c16a7b60dL, 0x4d54b9e57a8ff9bfL, 0x759f12781f2a753eL, 0xcea1a3bebf186b91L,
        0x2cf508d3ada26206L, 0xb6101c2da3c33057L, 0xb3f47496ae3a36a1L, 0x626b57547b108392L,
        0xc1d2363299e41531L, 0x667cc1923f1ad944L, 0x65704ffec8138825L, 0x24f280d1c28949a6L,
        0xc2ca1cedfaf8876bL, 0xc2164bfc9f042196L, 0xa16e9c9368b1d623L, 0x49fb169c8b5114fdL,
        0x9f3143f8df074c46L, 0xc6fdaf2412cc86b3L, 0x7eaf49d10a52098fL, 0x1cf313559d292f9aL,
        0xc44a30dda2f41f12L, 0x36fae98943a71ed0L, 0x318fb34c73f0bce6L, 0xa27abf3670a7e980L,
        0xb4bcc0db243c6d75L, 0x23f8d852fdb71513L, 0x8f035f4da67d8a08L, 0xd89cd0e5b7e8f148L,
        0xf6f4e6bcf7a644eeL, 0xaec59ad80f1837f2L, 0xc3b2f6154b6694e0L, 0x9d199062b7bbb3a8L,
    };

    private static byte[] countingBytes(int length) {
        byte[] message = new byte[length];
        for (int i = 0; i < length; i++) {
            message[i] = (byte) i;
        }
        return message;
    }

    @Test
    void sipHash24MatchesThePublishedVectorsForEveryLengthUpTo63() {
        byte[] message = countingBytes(63);
        for (int length = 0; length < 64; length++) {
            assertThat(REFERENCE_KEY.hash24(message, 0, length))
                    .as("SipHash-2-4 of %d bytes", length)
                    .isEqualTo(VECTORS_2_4[length]);
        }
    }

    @Test
    void sipHash13MatchesRustsVectorsForEveryLengthUpTo63() {
        byte[] message = countingBytes(63);
        for (int length = 0; length < 64; length++) {
            assertThat(REFERENCE_KEY.hash13(message, 0, length))
                    .as("SipHash-1-3 of %d bytes", length)
                    .isEqualTo(VECTORS_1_3[length]);
        }
    }

    @Test
    void theWorkedExampleOfThePaperHashesFifteenBytes() {
        // Appendix A of the paper: key 00..0f, message 00..0e.
        assertThat(REFERENCE_KEY.hash24(countingBytes(15), 0, 15)).isEqualTo(0xa129ca6149be45e5L);
    }

    @Test
    void hashesASliceAsIfItWereTheWholeArray() {
        byte[] padded = new byte[3 + 20 + 5];
        System.arraycopy(countingBytes(20), 0, padded, 3, 20);
        assertThat(REFERENCE_KEY.hash24(padded, 3, 20)).isEqualTo(VECTORS_2_4[20]);
        assertThat(REFERENCE_KEY.hash13(padded, 3, 20)).isEqualTo(VECTORS_1_3[20]);
    }

    @Test
    void theTupleFormHashesTheSame36BytesAsTheArrayForm() {
        long seed = Long.getLong("ferry.seed", new SplittableRandom().nextLong());
        SplittableRandom random = new SplittableRandom(seed);
        for (int trial = 0; trial < 2_000; trial++) {
            SipHash hash = new SipHash(random.nextLong(), random.nextLong());
            long w0 = random.nextLong();
            long w1 = random.nextLong();
            long w2 = random.nextLong();
            long w3 = random.nextLong();
            int tail = random.nextInt();
            byte[] message = new byte[SipHash.TUPLE_MESSAGE_BYTES];
            putLittleEndian(message, 0, w0, 8);
            putLittleEndian(message, 8, w1, 8);
            putLittleEndian(message, 16, w2, 8);
            putLittleEndian(message, 24, w3, 8);
            putLittleEndian(message, 32, tail, 4);
            assertThat(hash.hash24(w0, w1, w2, w3, tail))
                    .as("seed %d trial %d", seed, trial)
                    .isEqualTo(hash.hash24(message, 0, message.length));
            assertThat(hash.hash13(w0, w1, w2, w3, tail))
                    .as("seed %d trial %d", seed, trial)
                    .isEqualTo(hash.hash13(message, 0, message.length));
        }
    }

    @Test
    void theTupleFormMatchesThePublishedVectorFor36Bytes() {
        // Bytes 00..23 read as little-endian words.
        long w0 = 0x0706050403020100L;
        long w1 = 0x0f0e0d0c0b0a0908L;
        long w2 = 0x1716151413121110L;
        long w3 = 0x1f1e1d1c1b1a1918L;
        int tail = 0x23222120;
        assertThat(REFERENCE_KEY.hash24(w0, w1, w2, w3, tail)).isEqualTo(VECTORS_2_4[36]);
        assertThat(REFERENCE_KEY.hash13(w0, w1, w2, w3, tail)).isEqualTo(VECTORS_1_3[36]);
    }

    @Test
    void theThreeWordFormHashesTheSame24BytesAsTheArrayForm() {
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 1_000; i++) {
            SipHash hash = new SipHash(random.nextLong(), random.nextLong());
            long w0 = random.nextLong(), w1 = random.nextLong(), w2 = random.nextLong();
            byte[] message = new byte[24];
            putLittleEndian(message, 0, w0, 8);
            putLittleEndian(message, 8, w1, 8);
            putLittleEndian(message, 16, w2, 8);
            assertThat(hash.hash13(w0, w1, w2)).isEqualTo(hash.hash13(message, 0, message.length));
        }
        // The published vector for the 24 bytes 00 01 .. 17.
        long w0 = 0x0706050403020100L, w1 = 0x0f0e0d0c0b0a0908L, w2 = 0x1716151413121110L;
        assertThat(REFERENCE_KEY.hash13(w0, w1, w2)).isEqualTo(VECTORS_1_3[24]);
    }

    @Test
    void differentKeysGiveDifferentHashes() {
        SipHash other = new SipHash(0x0706050403020100L, 0x0f0e0d0c0b0a0909L);
        assertThat(other.hash24(countingBytes(15), 0, 15)).isNotEqualTo(VECTORS_2_4[15]);
    }

    @Test
    void rejectsASliceOutsideTheArray() {
        assertThatThrownBy(() -> REFERENCE_KEY.hash24(new byte[8], 4, 5)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    private static void putLittleEndian(byte[] target, int offset, long value, int count) {
        for (int i = 0; i < count; i++) {
            target[offset + i] = (byte) (value >>> (8 * i));
        }
    }
}
