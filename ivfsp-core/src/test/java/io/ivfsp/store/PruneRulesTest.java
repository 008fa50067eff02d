package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What prune keeps (what a kept JSON file records, in that file's own directory), what it refuses (a
 * link or other non-file in place of a model directory or manifest, even one that leads to nothing), and
 * that what it removes is gone at once, not when the store closes.
 */
class PruneRulesTest {

    @TempDir
    Path root;

    private static final String KEY = "a".repeat(64);
    private final List<OpFile> service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files(ModelSet.SERVICE);
    private final List<OpFile> training = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.TRAINING).files(ModelSet.TRAINING);

    /** Places models named {@code names} in {@code file}'s directory by hand and records them for {@code file}. */
    private List<Path> place(ModelStore store, OpFile file, List<String> names) throws IOException {
        Path dir = Files.createDirectories(store.modelDirectory(file.set()));
        List<StoredModel> models = new ArrayList<>();
        List<Path> paths = new ArrayList<>();
        for (String name : names) {
            Path p = Files.writeString(dir.resolve(name), "model " + name + " of " + file.fileName());
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
            paths.add(p);
        }
        store.record(file, KEY, models, Duration.ofSeconds(1));
        return paths;
    }

    @Test
    void aModelAKeptJsonFileRecordsStaysEvenUnderANameThePlanNoLongerGives() throws IOException {
        OpFile kept = service.get(0);
        // Recorded for the kept file under the name another file's model has (as an older catalog named it).
        List<String> otherNames = service.get(1).omFileNames();
        try (ModelStore store = ModelStore.open(root)) {
            List<Path> recorded = place(store, kept, otherNames);

            assertThat(store.prune(List.of(kept))).isEmpty();

            assertThat(recorded).allSatisfy(p -> assertThat(p).isRegularFile());
            assertThat(store.manifest(ModelSet.SERVICE).entry(kept.fileName())).isPresent();
        }
    }

    @Test
    void aKeptFileProtectsModelsOnlyInItsOwnDirectory() throws IOException {
        // A model directory holding, under a training file's name, what the training directory holds too.
        OpFile trainingFile = training.get(0);
        List<Path> stray;
        List<Path> trainingModels;
        try (ModelStore store = ModelStore.open(root)) {
            stray = place(store, service.get(0), trainingFile.omFileNames());
            trainingModels = place(store, trainingFile, trainingFile.omFileNames());

            List<Path> removed = store.prune(training);

            assertThat(removed).containsExactlyInAnyOrderElementsOf(stray);
            assertThat(stray).allSatisfy(p -> assertThat(p).doesNotExist());
            assertThat(trainingModels).allSatisfy(p -> assertThat(p).isRegularFile());
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
            assertThat(store.manifest(ModelSet.SERVICE).placed()).isEmpty();
        }
    }

    @Test
    void whatPruneRemovesIsGoneAtOnce_noCopyWaitsInStagingForTheStoreToClose() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            List<Path> models = place(store, service.get(0), service.get(0).omFileNames());

            assertThat(store.prune(List.of())).containsExactlyElementsOf(models);

            try (Stream<Path> s = Files.walk(root)) {
                List<String> left = s.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).toList();
                assertThat(left).noneMatch(n -> n.contains(models.get(0).getFileName().toString()));
            }
        }
    }

    @Test
    void aRecordedModelDeletedByHandIsForgottenWithoutBeingTouchedOrReportedRemoved() throws Exception {
        List<Path> touched = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable observed = StoreFaults.inject(root, touched::add); ModelStore store = ModelStore.open(root)) {
            List<Path> models = place(store, service.get(0), service.get(0).omFileNames());
            Files.delete(models.get(0));

            assertThat(store.prune(List.of())).isEmpty();

            assertThat(store.manifest(ModelSet.SERVICE).placed()).isEmpty();
            assertThat(touched).as("written, moved or deleted").doesNotContain(models.get(0));
        }
    }

    @Test
    void aRecordedModelChangedByHandIsLeftInPlaceUntouched_andNoLongerTracked() throws Exception {
        List<Path> touched = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (AutoCloseable observed = StoreFaults.inject(root, touched::add); ModelStore store = ModelStore.open(root)) {
            List<Path> models = place(store, service.get(0), service.get(0).omFileNames());
            Files.writeString(models.get(0), "edited by hand");

            assertThat(store.prune(List.of())).isEmpty();

            assertThat(models.get(0)).hasContent("edited by hand");
            assertThat(touched).as("written, moved or deleted").doesNotContain(models.get(0));
            assertThat(store.manifest(ModelSet.SERVICE).placed()).isEmpty();
        }
    }

    @Test
    void aLinkInPlaceOfAModelDirectoryIsRefusedEvenWhenItLeadsToNoManifest() throws IOException {
        Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
        Path models = root.resolve("op_models");
        Files.createSymbolicLink(models, elsewhere);

        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.prune(List.of())).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(models.toString());
        }
        assertThat(Files.isSymbolicLink(models)).isTrue();
        try (Stream<Path> s = Files.list(elsewhere)) {
            assertThat(s).as("nothing written through the link").isEmpty();
        }
    }

    @Test
    void aLinkInPlaceOfTheManifestIsRefusedAsNotTheStoresManifestAndLeftAlone() throws IOException {
        Path models = Files.createDirectories(root.resolve("op_models"));
        Path target = Files.writeString(root.resolve("someones.json"), "{\"version\": 2, \"files\": {}}");
        Path manifest = Files.createSymbolicLink(models.resolve(Manifest.FILE_NAME), target);

        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.prune(List.of())).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining(manifest.toString()).hasMessageContaining("the store's manifest");
        }
        assertThat(Files.isSymbolicLink(manifest)).isTrue();
        assertThat(target).hasContent("{\"version\": 2, \"files\": {}}");
    }
}
