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
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

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
    void closingTheStoreClosesTheDescriptorOfItsRunsLock() throws IOException {
        Path lockFile;
        try (ModelStore store = ModelStore.open(root)) {
            lockFile = store.stage(file).dir().getParent().resolve(".lock").toRealPath();
            assertThat(StoreTesting.openFiles()).as("held through a descriptor while the store is open").contains(lockFile.toString());
        }
        assertThat(StoreTesting.openFiles()).noneMatch(f -> f.startsWith(lockFile.toString()));
    }

    /** The staging root, removed (as another generator's close removes it when empty) when {@code remove} says so. */
    private StoreFaults removingTheStagingRoot(AtomicInteger tries, int times) {
        return target -> {
            if (target.getFileName().toString().startsWith("new-") && tries.getAndIncrement() < times) {
                Files.delete(target.getParent());
            }
        };
    }

    @Test
    void aRunWhoseStagingRootAnotherGeneratorRemovesJustBeforeItStartsMakesItAgain() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, removingTheStagingRoot(tries, 3));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.stage(file).json()).hasBinaryContent(file.jsonBytes());
        }
        assertThat(tries).as("tries to make the run's directory").hasValue(4);
    }

    @Test
    void aRunWhoseStagingRootIsRemovedAtEveryTryGivesUpAfterItsLastTry() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, removingTheStagingRoot(tries, Integer.MAX_VALUE));
             ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.stage(file)).isInstanceOf(IOException.class)
                    .hasMessageContaining(root.resolve(ModelStore.STAGING_DIRECTORY).toString());
        }
        assertThat(tries).hasValue(StagingArea.MAX_STARTS);
    }

    @Test
    void aRunWhoseDirectoryCannotBeMadeFailsAtOnceWithTheDisksError() throws Exception {
        AtomicInteger tries = new AtomicInteger();
        StoreFaults full = target -> {
            if (target.getFileName().toString().startsWith("new-")) {
                tries.incrementAndGet();
                throw new IOException("No space left on device");
            }
        };
        try (AutoCloseable injected = StoreFaults.inject(root, full); ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.stage(file)).isInstanceOf(IOException.class)
                    .hasMessageContaining("No space left on device");
        }
        assertThat(tries).hasValue(1);
    }

    @Test
    void aRunWhoseDirectoryCannotBeRenamedIntoPlaceFailsAndKeepsNoLock() throws Exception {
        StoreFaults failingRename = target -> {
            if (target.getFileName().toString().startsWith("run-")) {
                throw new IOException("Input/output error");
            }
        };
        Path staging = root.resolve(ModelStore.STAGING_DIRECTORY);
        try (AutoCloseable injected = StoreFaults.inject(root, failingRename); ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.stage(file)).isInstanceOf(IOException.class)
                    .hasMessageContaining("Input/output error");
            Path lockFile;
            try (Stream<Path> s = Files.list(staging)) {
                lockFile = s.filter(p -> p.getFileName().toString().startsWith("new-")).findFirst().orElseThrow()
                        .resolve(".lock").toRealPath();
            }
            assertThat(FileLocks.isTracked(lockFile)).as("released while the store is still open").isFalse();
            assertThat(StoreTesting.openFiles()).noneMatch(f -> f.startsWith(lockFile.toString()));
        }
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
    void aFailedAtomicWriteNamesTheFileAndTheSpaceLeftOnce() throws Exception {
        Path json;
        try (ModelStore store = ModelStore.open(root)) {
            json = store.jsonPath(file);
        }
        Path target = json;
        StoreFaults full = t -> {
            if (t.equals(target)) {
                throw new IOException("No space left on device");
            }
        };
        try (AutoCloseable injected = StoreFaults.inject(root, full); ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.writeJson(file)).isInstanceOf(IOException.class).satisfies(e -> {
                String message = e.getMessage();
                assertThat(message).startsWith("cannot write " + json + ": No space left on device (");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+) bytes free on .* \\((\\d+\\.\\d) MiB\\)")
                        .matcher(message);
                assertThat(m.find()).as(message).isTrue();
                assertThat(Double.parseDouble(m.group(2))).isCloseTo(Long.parseLong(m.group(1)) / 1048576.0,
                        org.assertj.core.data.Offset.offset(0.06));
                assertThat(message.split("bytes free on", -1)).as("the space named once").hasSize(2);
            });
        }
        assertThat(json).doesNotExist();
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
