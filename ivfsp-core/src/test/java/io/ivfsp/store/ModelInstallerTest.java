package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ivfsp.compile.FileNameEncoding;
import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.Sha256;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelInstallerTest {

    @TempDir
    Path dir;

    private StoredModel model(String name, String content) throws IOException {
        Path p = Files.writeString(Files.createDirectories(dir.resolve("store")).resolve(name), content);
        return new StoredModel(p, Files.size(p), Sha256.of(p));
    }

    @Test
    void installsCopiesAndLeavesNoTemporaryFile() throws IOException {
        StoredModel a = model("0_A.om", "a");
        Path target = dir.resolve("mx");

        List<Path> installed = ModelInstaller.install(List.of(a), target);

        assertThat(installed).containsExactly(target.resolve("0_A.om"));
        assertThat(target.resolve("0_A.om")).hasContent("a");
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s).hasSize(1);
        }
    }

    @Test
    void anythingButARegularFileAtATargetIsRefusedAndLeftAsItWas() throws Exception {
        StoredModel a = model("0_A.om", "a");
        Path target = Files.createDirectories(dir.resolve("mx"));
        Path precious = Files.writeString(dir.resolve("precious"), "precious");
        Files.createSymbolicLink(target.resolve("0_A.om"), precious);
        assertThatThrownBy(() -> ModelInstaller.install(List.of(a), target)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(target.resolve("0_A.om").toString()).hasMessageContaining("symbolic link");
        Files.delete(target.resolve("0_A.om"));
        Files.createDirectory(target.resolve("0_A.om"));
        assertThatThrownBy(() -> ModelInstaller.install(List.of(a), target)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining("directory");

        assertThat(precious).hasContent("precious");
        assertThat(target.resolve("0_A.om")).isEmptyDirectory();
    }

    @Test
    void aSourceThatIsNotARegularFileIsNeverOpened() throws Exception {
        Path fifo = StoreTesting.mkfifo(Files.createDirectories(dir.resolve("store")).resolve("0_F.om"));
        StoredModel f = new StoredModel(fifo, 1, "0".repeat(64));

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        Waits.onItsOwnThread("install", () -> assertThatThrownBy(() -> ModelInstaller.install(List.of(f), dir.resolve("mx")))
                .isInstanceOf(NotARegularFileException.class).hasMessageContaining(fifo.toString()));
    }

    /**
     * A name that did not decode (the bytes of a Latin-1 {@code ñ} under a UTF-8 locale become U+FFFD)
     * would be written back as other bytes: another directory. Refused naming it, like the output root.
     */
    @Test
    void aDirectoryWhoseNameCannotBeRepresentedIsRefusedAndNothingIsCreated() throws IOException {
        assumeTrue(FileNameEncoding.fileNames().equals(StandardCharsets.UTF_8), "needs a UTF-8 file-name encoding");
        StoredModel a = model("0_A.om", "a");
        Path target = dir.resolve("\uFFFDinst");

        assertThatThrownBy(() -> ModelInstaller.install(List.of(a), target)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(target.toString()).hasMessageContaining("cannot be represented");

        try (Stream<Path> s = Files.list(dir)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactly("store");
        }
    }
}
