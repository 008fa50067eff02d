package io.ivfsp.files;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A digest whose value was taken takes no more input: a late update would be silently lost. */
class Sha256DigestUsedUpTest {

    private static Sha256Digest taken() {
        Sha256Digest d = new Sha256Digest();
        d.update(new byte[] {1, 2, 3});
        d.hex();
        return d;
    }

    @Test
    void update_ofOneByteAfterHex_isRefused() {
        assertThatThrownBy(() -> taken().update((byte) 4)).isInstanceOf(IllegalStateException.class)
                .hasMessage("the digest was already taken");
    }

    @Test
    void update_ofBytesAfterHex_isRefused() {
        assertThatThrownBy(() -> taken().update(new byte[] {4})).isInstanceOf(IllegalStateException.class)
                .hasMessage("the digest was already taken");
        assertThatThrownBy(() -> taken().update(new byte[0], 0, 0)).isInstanceOf(IllegalStateException.class);
    }
}
