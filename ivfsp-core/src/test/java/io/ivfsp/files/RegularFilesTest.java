package io.ivfsp.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegularFilesTest {

    @TempDir
    Path dir;

    @Test
    void readsARegularFileUpToTheCap() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "12345");

        assertThat(RegularFiles.read(f, 5)).isEqualTo("12345".getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> RegularFiles.read(f, 4)).isInstanceOf(FileTooLargeException.class)
                .hasMessageContaining(f.toString()).hasMessageContaining("4 allowed");
    }

    @Test
    void neverReadsThroughALink() throws IOException {
        Path target = Files.writeString(dir.resolve("target"), "secret");
        Path link = Files.createSymbolicLink(dir.resolve("link"), target);

        assertThatThrownBy(() -> RegularFiles.read(link, 100)).isInstanceOf(NotARegularFileException.class)
                .hasMessageContaining(link.toString()).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> Sha256.of(link)).isInstanceOf(NotARegularFileException.class);
        assertThat(RegularFiles.realRegularFile(link)).isEqualTo(target.toRealPath());
    }

    @Test
    void neverOpensAFifoOrADirectory() throws Exception {
        Path fifo = dir.resolve("fifo");
        Process p = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
        assertThat(Waits.exit(p)).isZero();

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        Waits.runOnItsOwnThread("reading a FIFO", () -> {
            assertThatThrownBy(() -> RegularFiles.read(fifo, 100)).isInstanceOf(NotARegularFileException.class)
                    .hasMessageContaining("FIFO");
            assertThatThrownBy(() -> Sha256.of(fifo)).isInstanceOf(NotARegularFileException.class);
            assertThatThrownBy(() -> RegularFiles.realRegularFile(fifo)).isInstanceOf(NotARegularFileException.class);
        });
        assertThatThrownBy(() -> RegularFiles.read(dir, 100)).isInstanceOf(NotARegularFileException.class)
                .hasMessageContaining("directory");
        assertThatThrownBy(() -> RegularFiles.read(dir.resolve("absent"), 100)).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void sha256IsTheDigestOfTheContent() throws IOException {
        Path f = Files.writeString(dir.resolve("f"), "abc");

        assertThat(Sha256.of(f)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
