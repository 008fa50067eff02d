package io.ivfsp.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reads larger than one chunk, the cap's bounds, the words for each kind of file, and what the errors name. */
class RegularFilesLimitsTest {

    @TempDir
    Path dir;

    private Path bigFile(int size) throws IOException {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return Files.write(dir.resolve("big"), bytes);
    }

    @Test
    void aFileOfSeveralChunksIsReadWholeAndCappedByWhatWasRead() throws Exception {
        int size = 3 * (1 << 16) + 123;
        Path big = bigFile(size);

        assertThat(RegularFiles.read(big, size)).isEqualTo(Files.readAllBytes(big));
        assertThatThrownBy(() -> RegularFiles.read(big, size - 1)).isInstanceOfSatisfying(FileTooLargeException.class,
                e -> {
                    assertThat(e.path()).isEqualTo(big);
                    assertThat(e).hasMessage(big + " holds " + size + " bytes, more than the " + (size - 1) + " allowed");
                });
        assertThat(RegularFiles.read(Files.createFile(dir.resolve("empty")), 0)).isEmpty();
    }

    /** The buffer is sized to the file, with one byte more to see growth, and grows: every size around its edges. */
    @Test
    void everySizeIsReadWholeUnderAnyCapNotBelowIt() throws Exception {
        for (int size : new int[] {0, 1, 2, 15, 16, 17, 4095, 4096, 4097, 65535, 65536, 65537, 200_001}) {
            Path f = bigFile(size);
            byte[] whole = Files.readAllBytes(f);
            for (long cap : new long[] {size, size + 1L, 2L * size + 3, 1 << 20, Integer.MAX_VALUE - 16L}) {
                assertThat(RegularFiles.read(f, cap)).as("size %d, cap %d", size, cap).isEqualTo(whole);
            }
            if (size > 0) {
                assertThatThrownBy(() -> RegularFiles.read(f, size - 1)).as("size %d", size)
                        .isInstanceOf(FileTooLargeException.class);
            }
            Files.delete(f);
        }
    }

    @Test
    void theCapCountsWhatIsReadNotTheSizeStatReports() throws Exception {
        // A file whose size stat reports as 0 but that holds more (as a file growing after the stat would).
        Path proc = Path.of("/proc/self/status");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isRegularFile(proc) && Files.size(proc) == 0);

        assertThat(RegularFiles.read(proc, 1 << 20)).isNotEmpty();
        assertThatThrownBy(() -> RegularFiles.read(proc, 10)).isInstanceOf(FileTooLargeException.class)
                .hasMessageContaining("more than the 10 allowed");
    }

    @Test
    void theHashCoversEveryChunk() throws Exception {
        Path big = bigFile(2 * (1 << 16) + 5);
        String expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(big)));

        assertThat(Sha256.of(big)).isEqualTo(expected);
        MessageDigest md = Sha256.newDigest();
        assertThat(md.getAlgorithm()).isEqualTo("SHA-256");
        assertThat(Sha256.hex(md)).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void maxBytes_bounds() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "x");
        for (long bad : new long[] {-1, Integer.MAX_VALUE - 15L}) {
            assertThatThrownBy(() -> RegularFiles.read(f, bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("maxBytes").hasMessageContaining("" + bad);
        }
        assertThat(RegularFiles.read(f, Integer.MAX_VALUE - 16L)).containsExactly('x');
    }

    @Test
    void eachKindOfFileHasItsWordAndRequireRegularNamesIt() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Path sub = Files.createDirectory(dir.resolve("sub"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(p.waitFor()).isZero();

        assertThat(RegularFiles.kind(attrs(file))).isEqualTo("a regular file");
        assertThat(RegularFiles.kind(attrs(sub))).isEqualTo("a directory");
        assertThat(RegularFiles.kind(attrs(link))).isEqualTo("a symbolic link");
        assertThat(RegularFiles.kind(attrs(fifo))).isEqualTo("a FIFO, socket or device");
        assertThat(RegularFiles.lstat(dir.resolve("absent"))).isEmpty();
        assertThat(RegularFiles.requireRegular(file).size()).isEqualTo(1);
        assertThatThrownBy(() -> RegularFiles.requireRegular(link)).isInstanceOfSatisfying(NotARegularFileException.class,
                e -> {
                    assertThat(e.path()).isEqualTo(link);
                    assertThat(e.kind()).isEqualTo("a symbolic link");
                    assertThat(e).hasMessage(link + " is a symbolic link, not a regular file");
                });
    }

    @Test
    void anInputStreamIsOpenedOnlyOnARegularFile() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "content");
        Path link = Files.createSymbolicLink(dir.resolve("link"), file);

        try (InputStream in = RegularFiles.newInputStream(file)) {
            assertThat(in.readAllBytes()).isEqualTo("content".getBytes());
        }
        assertThatThrownBy(() -> RegularFiles.newInputStream(link)).isInstanceOf(NotARegularFileException.class);
    }

    private static BasicFileAttributes attrs(Path p) throws IOException {
        return RegularFiles.lstat(p).orElseThrow();
    }
}
