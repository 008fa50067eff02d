package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
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

class ModelStoreTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

    @Test
    void rewritingAJsonFileLeavesNoOldTail() throws IOException {
        // The reference opens without truncating: a shorter rewrite keeps the old tail and corrupts the file.
        OpFile f = plan.files().get(0);
        try (ModelStore store = ModelStore.open(root)) {
            store.prepare(plan);
            Files.createDirectories(store.configDirectory());
            Files.writeString(store.jsonPath(f), "x".repeat(5000));

            store.writeJson(f);

            assertThat(store.jsonPath(f)).hasBinaryContent(f.jsonBytes());
            assertThat(Files.list(store.configDirectory())).hasSize(1);
        }
    }

    @Test
    void prepareOnlyChecksAndCreatesNothing() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            store.prepare(plan);
        }
        assertThat(Files.list(root)).isEmpty();
    }

    @Test
    void stagingIsRemovedOnClose() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            ModelStore.Staging s = store.stage(plan.files().get(0));
            Files.writeString(s.work().resolve("fusion_result.json"), "[]");
            assertThat(root.resolve(ModelStore.STAGING_DIRECTORY)).isDirectory();
        }
        assertThat(root.resolve(ModelStore.STAGING_DIRECTORY)).doesNotExist();
    }

    @Test
    void stagingOfALiveGenerationIsLeftAloneWhileADeadOnesIsRemoved() throws IOException {
        Path staging = root.resolve(ModelStore.STAGING_DIRECTORY);
        try (ModelStore live = ModelStore.open(root)) {
            Path liveJob = live.stage(plan.files().get(0)).dir();
            Path liveRun = liveJob.getParent();
            // A dead run: same kind of name, a lock file nobody holds.
            Path dead = Files.createDirectories(staging.resolve("run-00000000-0000-0000-0000-00000000dead"));
            Files.createFile(dead.resolve(".lock"));

            try (ModelStore other = ModelStore.open(root)) {
                other.stage(plan.files().get(0));

                assertThat(liveRun.getFileName().toString()).matches("run-[0-9a-f-]{36}");
                assertThat(liveJob).as("the live run's job").isDirectory();
                assertThat(dead).as("the dead run's staging").doesNotExist();
            }
            assertThat(liveJob).isDirectory();
        }
    }

    /**
     * A dead run's staging directory without its lock file (a removal cut short by kill -9, or files a
     * killed run's compiler wrote late) was left alone with a warning on every later run: it is removed
     * once it is old enough that no removal can be under way, and a young one is left for now.
     */
    @Test
    void aLocklessStagingDirectoryOfADeadRunIsRemovedOnceOld() throws IOException {
        Path staging = root.resolve(ModelStore.STAGING_DIRECTORY);
        Path old = Files.createDirectories(staging.resolve("run-00000000-0000-0000-0000-0000000000a1").resolve("job").resolve("out"));
        Files.writeString(old.resolve("0_A.om"), "late write");
        Path oldRun = old.getParent().getParent();
        Files.setLastModifiedTime(oldRun, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path young = Files.createDirectories(staging.resolve("run-00000000-0000-0000-0000-0000000000a2"));

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(oldRun).as("the old lockless run").doesNotExist();
            assertThat(young).as("a young one: its removal may be under way").isDirectory();
        }
    }

    @Test
    void rootThatIsAFileIsRefused() throws IOException {
        Path file = Files.writeString(root.resolve("file"), "x");

        assertThatThrownBy(() -> ModelStore.open(file)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(file.toString()).hasMessageContaining("not a directory");
    }

    @Test
    void fileInPlaceOfAnOutputDirectoryIsRefused() throws IOException {
        Files.writeString(root.resolve("op_models"), "x");

        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.prepare(plan)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining("op_models");
        }
        assertThat(root.resolve("op_models")).hasContent("x");
    }

    @Test
    void symbolicLinkInPlaceOfAModelIsRefused() throws IOException {
        OpFile f = plan.files().get(0);
        Path target = Files.writeString(root.resolve("precious"), "precious");
        Files.createDirectories(root.resolve("op_models"));
        Files.createSymbolicLink(root.resolve("op_models").resolve(f.omFileNames().get(0)), target);

        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.prepare(plan)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(f.omFileNames().get(0)).hasMessageContaining("symbolic link");
        }
        assertThat(target).hasContent("precious");
    }
    /**
     * writeJson on its own, after prepare: what stands where the JSON goes is never read through, replaced or
     * taken for the JSON, even a link to a file that holds exactly its bytes.
     */
    @Test
    void writeJsonRefusesALinkDirectoryOrFifoInPlaceOfTheJsonEvenALinkToTheRightBytes() throws Exception {
        OpFile f = plan.files().get(0);
        try (ModelStore store = ModelStore.open(root)) {
            store.prepare(plan);
            Path json = Files.createDirectories(store.configDirectory()).resolve(f.fileName());
            Path same = Files.write(root.resolve("same-bytes"), f.jsonBytes());
            Path other = Files.writeString(root.resolve("precious"), "precious");
            for (Path target : java.util.List.of(same, other)) {
                Files.createSymbolicLink(json, target);
                assertThatThrownBy(() -> store.writeJson(f)).isInstanceOf(OutputRefusedException.class)
                        .hasMessageContaining(f.fileName()).hasMessageContaining("symbolic link");
                assertThat(Files.isSymbolicLink(json)).isTrue();
                Files.delete(json);
            }
            assertThat(same).hasBinaryContent(f.jsonBytes());
            assertThat(other).hasContent("precious");

            Files.createDirectory(json);
            assertThatThrownBy(() -> store.writeJson(f)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining("directory");
            Files.delete(json);
            io.ivfsp.testing.Waits.Finished fifo = io.ivfsp.testing.Waits.run(new ProcessBuilder("mkfifo", json.toString()));
            assertThat(fifo.exit()).as(fifo.out()).isZero();
            assertThatThrownBy(() -> store.writeJson(f)).as("refused without opening, which would block")
                    .isInstanceOf(OutputRefusedException.class);
        }
    }
}
