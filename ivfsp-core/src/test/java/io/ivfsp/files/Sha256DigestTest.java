package io.ivfsp.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Sha256DigestTest {

    private static String jdk(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void knownAnswers_fromFips180() {
        assertThat(of("")).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        assertThat(of("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assertThat(of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))
                .isEqualTo("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    }

    @Test
    void sameAsTheJdk_forEveryLengthAroundTheBlockAndPaddingBoundaries() throws Exception {
        Random random = new Random(42);
        for (int len = 0; len <= 300; len++) {
            byte[] bytes = new byte[len];
            random.nextBytes(bytes);
            Sha256Digest d = new Sha256Digest();
            d.update(bytes);
            assertThat(d.hex()).as("length %d", len).isEqualTo(jdk(bytes));
        }
    }

    @Test
    void sameAsTheJdk_whateverTheUpdatesTheInputIsSplitInto() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            byte[] bytes = new byte[random.nextInt(5000)];
            random.nextBytes(bytes);
            Sha256Digest d = new Sha256Digest();
            int i = 0;
            while (i < bytes.length) {
                int n = Math.min(bytes.length - i, random.nextInt(3) == 0 ? 1 : random.nextInt(200));
                if (n == 1) {
                    d.update(bytes[i]);
                } else {
                    d.update(bytes, i, n);
                }
                i += n;
            }
            assertThat(d.hex()).as("round %d, length %d", round, bytes.length).isEqualTo(jdk(bytes));
        }
    }

    @Test
    void sameAsTheJdk_forAMebibyte() throws Exception {
        byte[] bytes = new byte[1 << 20];
        new Random(1).nextBytes(bytes);
        Sha256Digest d = new Sha256Digest();
        d.update(bytes, 0, bytes.length);
        assertThat(d.hex()).isEqualTo(jdk(bytes));
    }

    @Test
    void update_rangeOutsideTheArray_isRefused() {
        assertThatThrownBy(() -> new Sha256Digest().update(new byte[4], 2, 3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void hex_takenTwice_isRefused() {
        Sha256Digest d = new Sha256Digest();
        d.hex();
        assertThatThrownBy(d::hex).isInstanceOf(IllegalStateException.class).hasMessageContaining("already taken");
    }

    private static String of(String s) {
        Sha256Digest d = new Sha256Digest();
        d.update(s.getBytes(StandardCharsets.UTF_8));
        return d.hex();
    }
}
