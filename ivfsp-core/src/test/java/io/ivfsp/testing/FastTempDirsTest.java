package io.ivfsp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tests' temporary directories go to a RAM file system only where programs can be run from it. */
class FastTempDirsTest {

    @TempDir
    Path dir;

    private Path mounts(String line) throws Exception {
        return Files.writeString(dir.resolve("mounts"), "proc /proc proc rw,nosuid 0 0\n" + line + "\n");
    }

    @Test
    void aWritableDirectoryMountedWithoutNoexecIsTaken() throws Exception {
        Path ram = Files.createDirectory(dir.resolve("ram"));

        assertThat(FastTempDirs.ramDirectory(ram, mounts("tmpfs " + ram + " tmpfs rw,nosuid,nodev 0 0"))).hasValue(ram);
    }

    @Test
    void noexecANonMountALinkOrNoMountTableMeansJUnitsDefault() throws Exception {
        Path ram = Files.createDirectory(dir.resolve("ram"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), ram);

        assertThat(FastTempDirs.ramDirectory(ram, mounts("tmpfs " + ram + " tmpfs rw,nosuid,nodev,noexec 0 0"))).isEmpty();
        assertThat(FastTempDirs.ramDirectory(ram, mounts("tmpfs /elsewhere tmpfs rw 0 0"))).isEmpty();
        assertThat(FastTempDirs.ramDirectory(link, mounts("tmpfs " + link + " tmpfs rw 0 0"))).isEmpty();
        assertThat(FastTempDirs.ramDirectory(ram, dir.resolve("no-such-mounts"))).isEmpty();
        assertThat(FastTempDirs.ramDirectory(dir.resolve("missing"), mounts("tmpfs " + dir.resolve("missing") + " tmpfs rw 0 0")))
                .isEmpty();
    }

    @Test
    void theTestsOwnDirectoriesComeFromTheFactory() throws Exception {
        Path base = FastTempDirs.ramDirectory(Path.of("/dev/shm"), Path.of("/proc/self/mounts"))
                .orElse(Path.of(System.getProperty("java.io.tmpdir")));

        assertThat(dir.getParent()).isEqualTo(base);
        assertThat(dir.getFileName().toString()).startsWith("junit");
    }
}
