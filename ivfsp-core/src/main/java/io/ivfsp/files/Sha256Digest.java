package io.ivfsp.files;

/**
 * SHA-256 (FIPS 180-4) in plain Java, for the short inputs of cache keys: the first JCA lookup of
 * {@code MessageDigest.getInstance("SHA-256")} loads about 40 classes and costs a fresh JVM about 20 ms,
 * which a warm {@code generate()} that hashes nothing else would pay only for its keys. The same digest
 * as the JDK's ({@code Sha256DigestTest} compares them on many inputs); models are still hashed with
 * {@link Sha256}. Not thread-safe; one instance per digest.
 */
public final class Sha256Digest {

    private static final int[] K = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    };
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final int[] h = {
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
    };
    private final int[] w = new int[64];
    private final byte[] block = new byte[64];
    private int filled;
    private long length;
    private boolean done;

    /** Adds one byte. */
    public void update(byte b) {
        checkOpen();
        block[filled++] = b;
        length++;
        if (filled == 64) {
            compress(block, 0);
            filled = 0;
        }
    }

    /** Adds all of {@code bytes}. */
    public void update(byte[] bytes) {
        update(bytes, 0, bytes.length);
    }

    /**
     * Adds {@code len} bytes of {@code bytes} from {@code off}.
     *
     * @throws IndexOutOfBoundsException if the range is not within {@code bytes}
     */
    public void update(byte[] bytes, int off, int len) {
        checkOpen();
        java.util.Objects.checkFromIndexSize(off, len, bytes.length);
        length += len;
        int i = off;
        int end = off + len;
        if (filled > 0) {
            int n = Math.min(64 - filled, len);
            System.arraycopy(bytes, i, block, filled, n);
            filled += n;
            i += n;
            if (filled < 64) {
                return;
            }
            compress(block, 0);
            filled = 0;
        }
        for (; end - i >= 64; i += 64) {
            compress(bytes, i);
        }
        System.arraycopy(bytes, i, block, 0, end - i);
        filled = end - i;
    }

    /**
     * The digest as lower-case hex; the instance is used up.
     *
     * @throws IllegalStateException if it was already taken
     */
    public String hex() {
        checkOpen();
        long bits = length * 8;
        update((byte) 0x80);
        while (filled != 56) {
            update((byte) 0);
        }
        for (int s = 56; s >= 0; s -= 8) {
            update((byte) (bits >>> s));
        }
        done = true;
        char[] out = new char[64];
        for (int i = 0; i < 8; i++) {
            for (int j = 0; j < 8; j++) {
                out[i * 8 + j] = HEX[(h[i] >>> (28 - 4 * j)) & 0xf];
            }
        }
        return new String(out);
    }

    private void checkOpen() {
        if (done) {
            throw new IllegalStateException("the digest was already taken");
        }
    }

    /** One block. The rotations are written out: until C1 compiles this, each call of Integer.rotateRight is interpreted. */
    private void compress(byte[] in, int off) {
        for (int t = 0; t < 16; t++) {
            int p = off + 4 * t;
            w[t] = (in[p] << 24) | ((in[p + 1] & 0xff) << 16) | ((in[p + 2] & 0xff) << 8) | (in[p + 3] & 0xff);
        }
        for (int t = 16; t < 64; t++) {
            int x = w[t - 15];
            int y = w[t - 2];
            int s0 = (x >>> 7 | x << 25) ^ (x >>> 18 | x << 14) ^ (x >>> 3);
            int s1 = (y >>> 17 | y << 15) ^ (y >>> 19 | y << 13) ^ (y >>> 10);
            w[t] = w[t - 16] + s0 + w[t - 7] + s1;
        }
        int a = h[0];
        int b = h[1];
        int c = h[2];
        int d = h[3];
        int e = h[4];
        int f = h[5];
        int g = h[6];
        int k = h[7];
        for (int t = 0; t < 64; t++) {
            int t1 = k + ((e >>> 6 | e << 26) ^ (e >>> 11 | e << 21) ^ (e >>> 25 | e << 7))
                    + ((e & f) ^ (~e & g)) + K[t] + w[t];
            int t2 = ((a >>> 2 | a << 30) ^ (a >>> 13 | a << 19) ^ (a >>> 22 | a << 10))
                    + ((a & b) ^ (a & c) ^ (b & c));
            k = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a;
        h[1] += b;
        h[2] += c;
        h[3] += d;
        h[4] += e;
        h[5] += f;
        h[6] += g;
        h[7] += k;
    }
}
