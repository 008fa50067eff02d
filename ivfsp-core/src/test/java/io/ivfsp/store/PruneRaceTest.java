package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.files.Sha256;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A prune running while another generator publishes the models it is removing. */
class PruneRaceTest {

    private static final OpFile FILE = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
    private static final String OLD_KEY = "a".repeat(64);
    private static final String NEW_KEY = "b".repeat(64);

    @TempDir
    Path root;

    /** Stages, publishes and records {@link #FILE}'s models, each holding {@code content} and its name. */
    private static void compile(ModelStore store, String key, String content) throws IOException {
        try (ModelStore.Staging staging = store.stage(FILE)) {
            for (String om : FILE.omFileNames()) {
                Files.writeString(staging.out().resolve(om), content + " " + om);
            }
            store.record(FILE, key, store.publish(FILE, staging), Duration.ofSeconds(1));
        }
    }

    /** Every model a manifest entry names is in place with the size and hash recorded. */
    private void assertEveryRecordedModelInPlace() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Path dir = store.modelDirectory(FILE.set());
            for (Manifest.Entry e : store.manifest(FILE.set()).entries().values()) {
                for (Manifest.Model m : e.models()) {
                    assertThat(dir.resolve(m.name())).as("recorded model %s", m.name()).isRegularFile();
                    assertThat(Sha256.of(dir.resolve(m.name()))).as("hash of %s", m.name()).isEqualTo(m.sha256());
                }
            }
        }
    }

    @Test
    void pruneNeverRemovesAModelAnotherGeneratorPublishesWhileItIsRemovingTheOldOne() throws Exception {
        try (ModelStore store = ModelStore.open(root)) {
            compile(store, OLD_KEY, "old");
        }
        Thread pruner = Thread.currentThread();
        AtomicReference<Thread> generator = new AtomicReference<>();
        AtomicReference<Throwable> generatorFailure = new AtomicReference<>();
        // Called as prune is about to remove a model it found unchanged: another generator publishes that
        // model now, and prune goes on once the generator has ended or waits for something prune holds.
        StoreFaults publishNow = target -> {
            if (Thread.currentThread() != pruner || generator.get() != null || !FILE.omFileNames().contains(
                    target.getFileName().toString())) {
                return;
            }
            Thread g = new Thread(() -> {
                try (ModelStore other = ModelStore.open(root)) {
                    compile(other, NEW_KEY, "new");
                } catch (Throwable t) {
                    generatorFailure.set(t);
                }
            }, "other-generator");
            generator.set(g);
            g.start();
            while (g.getState() == Thread.State.NEW || g.getState() == Thread.State.RUNNABLE
                    || g.getState() == Thread.State.BLOCKED) {
                Thread.onSpinWait();
            }
        };

        try (AutoCloseable injected = StoreFaults.inject(root, publishNow); ModelStore store = ModelStore.open(root)) {
            store.prune(List.of());
        }
        assertThat(generator.get()).as("prune removed a model").isNotNull();
        generator.get().join();

        assertThat(generatorFailure.get()).isNull();
        Path dir = root.resolve(FILE.outputDirectory());
        for (String om : FILE.omFileNames()) {
            assertThat(dir.resolve(om)).as("the other generator's model").hasContent("new " + om);
        }
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(FILE.set()).entry(FILE.fileName())).hasValueSatisfying(
                    e -> assertThat(e.key()).isEqualTo(NEW_KEY));
        }
        assertEveryRecordedModelInPlace();
    }

    @Test
    void aModelReplacedByAnotherProcessJustBeforePruneRemovesItIsLeftInPlace() throws Exception {
        try (ModelStore store = ModelStore.open(root)) {
            compile(store, OLD_KEY, "old");
        }
        String replaced = FILE.omFileNames().get(0);
        // Something that takes none of the store's locks renames its own file over the model right then.
        StoreFaults replaceNow = target -> {
            if (target.getFileName().toString().equals(replaced)) {
                Path theirs = Files.writeString(root.resolve("theirs.om"), "theirs");
                Files.move(theirs, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            }
        };

        List<Path> removed;
        try (AutoCloseable injected = StoreFaults.inject(root, replaceNow); ModelStore store = ModelStore.open(root)) {
            removed = store.prune(List.of());
        }

        Path model = root.resolve(FILE.outputDirectory()).resolve(replaced);
        assertThat(model).hasContent("theirs");
        assertThat(removed).doesNotContain(model);
        assertThat(root.resolve(ModelStore.STAGING_DIRECTORY)).doesNotExist();
    }

    @Test
    void aRecordWhoseModelsWerePrunedSincePublishingNamesNoMissingModel() throws Exception {
        try (ModelStore generator = ModelStore.open(root); ModelStore.Staging staging = generator.stage(FILE)) {
            for (String om : FILE.omFileNames()) {
                Files.writeString(staging.out().resolve(om), "published " + om);
            }
            List<StoredModel> published = generator.publish(FILE, staging);
            try (ModelStore pruner = ModelStore.open(root)) {
                assertThat(pruner.prune(List.of())).as("pruned").hasSize(published.size());
            }

            generator.record(FILE, NEW_KEY, published, Duration.ofSeconds(1));

            assertThat(generator.manifest(FILE.set()).entry(FILE.fileName())).as("entry of the pruned models").isEmpty();
        }
        assertEveryRecordedModelInPlace();
    }
}
