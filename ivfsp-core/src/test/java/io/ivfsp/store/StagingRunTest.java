package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run's own staging directory: its lock lives exactly as long as the store, and what is not a run's is left alone. */
class StagingRunTest {

    @TempDir
    Path root;

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);

    @Test
    void closingTheStoreReleasesItsRunsLock() throws IOException {
        Path lockFile;
        try (ModelStore store = ModelStore.open(root)) {
            ModelStore.Staging job = store.stage(file);
            lockFile = job.dir().getParent().resolve(".lock");
            assertThat(lockFile).isRegularFile();
            assertThat(FileLocks.isTracked(lockFile)).as("held while the store is open").isTrue();
            assertThat(FileLocks.acquire(lockFile, () -> true, false)).as("another run cannot take it").isEmpty();
        }
        assertThat(FileLocks.isTracked(lockFile)).as("released, and forgotten by the JVM").isFalse();
    }

    @Test
    void aFileNamedLikeARunInTheStagingDirectoryIsLeftAloneAndStopsNoOne() throws IOException {
        Path staging = Files.createDirectories(root.resolve(ModelStore.STAGING_DIRECTORY));
        Path notADirectory = Files.writeString(staging.resolve("run-" + UUID.randomUUID()), "someone's file");
        Files.setLastModifiedTime(notADirectory, FileTime.from(Instant.now().minus(1, ChronoUnit.DAYS)));

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.stage(file).json()).hasBinaryContent(file.jsonBytes());
        }
        assertThat(notADirectory).hasContent("someone's file");
    }

    @Test
    void aJobWhoseJsonCopyCannotBeWrittenFailsToStageWithTheDisksError() throws Exception {
        StoreFaults full = target -> {
            if (target.getFileName().toString().equals(file.fileName())) {
                throw new IOException("No space left on device");
            }
        };
        try (AutoCloseable injected = StoreFaults.inject(root, full); ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.stage(file)).isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device");
        }
    }
}
