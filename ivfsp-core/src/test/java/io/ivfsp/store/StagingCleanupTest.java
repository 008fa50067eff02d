package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which staging directories a new run removes: only those of dead runs, judged by name, lock and age. */
class StagingCleanupTest {

    private static final String ID = "00000000-0000-0000-0000-0000000000";

    @TempDir
    Path root;

    private Path staging() {
        return root.resolve(ModelStore.STAGING_DIRECTORY);
    }

    private Path dir(String name, Duration age) throws IOException {
        Path d = Files.createDirectories(staging().resolve(name));
        Files.writeString(d.resolve("left-over.om"), "x");
        Files.setLastModifiedTime(d, FileTime.from(Instant.now().minus(age)));
        return d;
    }

    @Test
    void aRunThatDiedWhileStartingIsRemovedOnlyOnceOld() throws IOException {
        Path old = dir("new-" + ID + "01", Duration.ofMinutes(11));
        Path young = dir("new-" + ID + "02", Duration.ofMinutes(9));

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(old).doesNotExist();
            assertThat(young).isDirectory();
        }
    }

    @Test
    void directoriesNotNamedLikeRunsAndRunsWhoseLockIsNotAFileAreLeftAlone() throws IOException {
        Path foreign = dir("mine", Duration.ofDays(1));
        Path almost = dir("run-" + ID + "0", Duration.ofDays(1));
        Path oddLock = dir("run-" + ID + "03", Duration.ofDays(1));
        Files.createDirectory(oddLock.resolve(".lock"));

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(foreign).isDirectory();
            assertThat(almost).isDirectory();
            assertThat(oddLock.resolve("left-over.om")).exists();
        }
        assertThat(staging()).as("not empty: left for its owner").isDirectory();
    }

    @Test
    void aDeadRunsDirectoryIsRemovedWithEverythingInIt() throws IOException {
        Path dead = dir("run-" + ID + "04", Duration.ZERO);
        Files.createFile(dead.resolve(".lock"));
        Files.createDirectories(dead.resolve("job/out"));
        Files.writeString(dead.resolve("job/out/0_Add.om"), "partial");

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(dead).doesNotExist();
        }
        assertThat(staging()).as("removed once empty").doesNotExist();
    }

    @Test
    void closingOneRunKeepsTheStagingRootWhileAnotherRunStages() throws IOException {
        OpFile f = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
        try (ModelStore other = ModelStore.open(root)) {
            ModelStore.Staging job;
            try (ModelStore store = ModelStore.open(root)) {
                job = other.stage(f);
                ModelStore.Staging mine = store.stage(f);
                assertThat(mine.json()).hasBinaryContent(f.jsonBytes());
                assertThat(mine.out()).isEmptyDirectory().hasParent(mine.dir());
                assertThat(mine.work()).isEqualTo(mine.dir());
                assertThat(mine.dir().getParent()).isNotEqualTo(job.dir().getParent());
            }
            assertThat(job.json()).hasBinaryContent(f.jsonBytes());
            job.close();
            assertThat(job.dir()).doesNotExist();
            assertThat(staging()).isDirectory();
        }
        assertThat(staging()).doesNotExist();
    }
}
