package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The toolkit files ivfsp reads itself ({@code opp/version.info}, {@code bin/atc}) are read safely. */
class AtcToolkitFilesTest {

    @TempDir
    Path dir;

    private static void mkfifo(Path p) throws IOException, InterruptedException {
        Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
        assertThat(Waits.exit(proc)).isZero();
    }

    @Test
    void aFifoInPlaceOfVersionInfoIsRefusedNamingItWithoutBlocking() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path info = fake.home().resolve("opp/version.info");
        Files.delete(info);
        mkfifo(info);

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        Waits.runOnItsOwnThread("reading a FIFO", () -> {
            assertThat(fake.toolkit().oppVersionInfo()).isEmpty();
            assertThatThrownBy(() -> fake.toolkit().identity()).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(info.toString()).hasMessageContaining("FIFO");
        });
    }

    @Test
    void aDirectoryInPlaceOfVersionInfoIsRefusedNamingIt() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path info = fake.home().resolve("opp/version.info");
        Files.delete(info);
        Files.createDirectory(info);

        assertThat(fake.toolkit().oppVersionInfo()).isEmpty();
        assertThatThrownBy(() -> fake.toolkit().identity()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(info.toString()).hasMessageContaining("directory");
    }

    @Test
    void anOversizedVersionInfoIsNotRead() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Files.write(fake.home().resolve("opp/version.info"), new byte[(int) AtcToolkit.MAX_VERSION_INFO_BYTES + 1]);

        assertThat(fake.toolkit().oppVersionInfo()).isEmpty();
    }

    @Test
    void aToolkitReachedThroughLinksIsReadAsTheRealFiles() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path latest = Files.createSymbolicLink(dir.resolve("latest"), fake.home());
        AtcToolkit linked = AtcToolkit.at(latest);

        assertThat(linked.oppVersionInfo()).hasValue("Version=8.0.0-fake\n");
        assertThat(linked.identity()).isEqualTo(fake.toolkit().identity()).doesNotContain("missing");
    }

    @Test
    void aMissingVersionInfoIsPartOfTheIdentityNotAnError() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Files.delete(fake.home().resolve("opp/version.info"));

        assertThat(fake.toolkit().oppVersionInfo()).isEmpty();
        assertThat(fake.toolkit().identity()).startsWith("opp=missing;");
    }
}
