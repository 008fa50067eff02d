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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the store refuses, naming the path, before it writes: anything but a regular file in its lock
 * directory (at open, and again when a plan is checked), a link in place of a JSON file, a file where a
 * directory of the store goes; and what writing a JSON file that is already right returns.
 */
class StoreLayoutRulesTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
    private final OpFile file = plan.files().get(0);

    @Test
    void aStoreIsNotOpenedOnARootWhoseLockDirectoryHoldsSomethingOtherThanAFile() throws IOException {
        Path planted = Files.createDirectories(root.resolve(ModelStore.LOCK_DIRECTORY).resolve("manifest-op_models.lock"));

        assertThatThrownBy(() -> ModelStore.open(root)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(planted.toString());
        assertThat(planted).isEmptyDirectory();
    }

    @Test
    void aPlanIsRefusedWhenSomethingOtherThanAFileAppearedInTheLockDirectorySinceTheStoreOpened() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Path planted = Files.createDirectories(root.resolve(ModelStore.LOCK_DIRECTORY).resolve("job.lock"));

            assertThatThrownBy(() -> store.prepare(plan)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(planted.toString());
        }
    }

    @Test
    void aPlanIsRefusedWhenALinkIsInPlaceOfOneOfItsJsonFiles() throws IOException {
        Path elsewhere = Files.writeString(root.resolve("elsewhere.json"), "someone's");
        try (ModelStore store = ModelStore.open(root)) {
            Path json = store.jsonPath(file);
            Files.createDirectories(json.getParent());
            Files.createSymbolicLink(json, elsewhere);

            assertThatThrownBy(() -> store.prepare(plan)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(json.toString());
            assertThatThrownBy(() -> store.writeJson(file)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(json.toString());
            assertThat(Files.isSymbolicLink(json)).isTrue();
        }
        assertThat(elsewhere).hasContent("someone's");
    }

    @Test
    void aFileWhereTheStoreCreatesADirectoryIsRefusedNamingIt() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Path models = Files.writeString(store.modelDirectory(file.set()), "not a directory");

            assertThatThrownBy(() -> store.record(file, "a".repeat(64), java.util.List.of(), java.time.Duration.ofSeconds(1)))
                    .isInstanceOf(OutputRefusedException.class).hasMessageContaining(models.toString());
            assertThat(models).hasContent("not a directory");
        }
    }

    @Test
    void writingAJsonFileAlreadyRightReturnsWhereItIs() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Path first = store.writeJson(file);
            Path again = store.writeJson(file);

            assertThat(first).isEqualTo(store.jsonPath(file)).hasBinaryContent(file.jsonBytes());
            assertThat(again).isEqualTo(first);
        }
    }
}
