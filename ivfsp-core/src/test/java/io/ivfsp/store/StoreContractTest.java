package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's package API without a compiler: the cache key's layout, reuse decisions, a manifest
 * changed on disk, and the refusals of lock arguments. Models are written by hand into place.
 */
class StoreContractTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.TRAINING);
    private final OpFile file = plan.files(ModelSet.SERVICE).get(0);
    private final OpFile training = plan.files(ModelSet.TRAINING).get(0);

    /** The documented layout, computed independently: a key written by an earlier version must still match. */
    private static String expectedKey(OpFile f, String soc, String backend, String identity) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        lengthPrefixed(md, "ivfsp-cache-key-1");
        md.update(f.jsonBytes());
        lengthPrefixed(md, "--soc_version=" + soc);
        lengthPrefixed(md, f.set().atcLogLevel().map(l -> "--log=" + l).orElse("(no --log)"));
        lengthPrefixed(md, backend);
        lengthPrefixed(md, identity);
        StringBuilder hex = new StringBuilder();
        for (byte b : md.digest()) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }

    private static void lengthPrefixed(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).putInt(b.length).array());
        md.update(b);
    }

    @Test
    void theCacheKeyIsTheSha256OfItsDocumentedFields() throws Exception {
        assertThat(CacheKey.of(file, "Ascend310P3", "atc", "toolkit-1"))
                .isEqualTo(expectedKey(file, "Ascend310P3", "atc", "toolkit-1"));
        assertThat(training.set().atcLogLevel()).as("the training set passes no --log").isEmpty();
        assertThat(CacheKey.of(training, "Ascend310P3", "atc", "toolkit-1"))
                .isEqualTo(expectedKey(training, "Ascend310P3", "atc", "toolkit-1"));
        // A 300-byte identity: its length does not fit in one byte.
        String longIdentity = "v".repeat(300);
        assertThat(CacheKey.of(file, "Ascend310P3", "atc", longIdentity))
                .isEqualTo(expectedKey(file, "Ascend310P3", "atc", longIdentity));
    }

    @Test
    void theCacheKeyChangesWithSocBackendAndIdentityAndTheirBoundary() {
        String key = CacheKey.of(file, "Ascend310P3", "atc", "toolkit-1");

        assertThat(key).matches("[0-9a-f]{64}").isEqualTo(CacheKey.of(file, "Ascend310P3", "atc", "toolkit-1"));
        assertThat(List.of(
                CacheKey.of(file, "Ascend310", "atc", "toolkit-1"),
                CacheKey.of(file, "Ascend310P3", "native", "toolkit-1"),
                CacheKey.of(file, "Ascend310P3", "atc", "toolkit-2"),
                CacheKey.of(plan.files(ModelSet.SERVICE).get(1), "Ascend310P3", "atc", "toolkit-1"),
                // Moving a character from one field to the next must not give the same key.
                CacheKey.of(file, "Ascend310P3", "atct", "oolkit-1")))
                .doesNotContain(key).doesNotHaveDuplicates();
    }

    /** Writes the models of {@code f} into place and records them under {@code key}. */
    private List<StoredModel> place(ModelStore store, OpFile f, String key) throws IOException {
        Path dir = Files.createDirectories(store.modelDirectory(f.set()));
        List<StoredModel> models = new ArrayList<>();
        for (String om : f.omFileNames()) {
            Path p = dir.resolve(om);
            Files.writeString(p, "model " + om);
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
        }
        store.record(f, key, models, Duration.ofMillis(1500));
        return models;
    }

    private static String key(char c) {
        return String.valueOf(c).repeat(64);
    }

    @Test
    void recordedModelsAreReusableOnlyUnderTheirKeyAndWhileIntact() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            List<StoredModel> models = place(store, file, key('a'));

            assertThat(store.reusable(file, key('a'), Verification.STAT)).hasValue(models);
            assertThat(store.reusable(file, key('b'), Verification.STAT)).isEmpty();
            assertThat(store.manifest(ModelSet.SERVICE).entry(file.fileName()).orElseThrow().compileSeconds())
                    .isEqualTo(1.5);

            Path model = models.get(0).path();
            Files.writeString(model, "MODEL " + model.getFileName());  // same size, other content: its stat changed
            assertThat(store.reusable(file, key('a'), Verification.STAT)).isEmpty();
            assertThat(store.reusable(file, key('a'), Verification.HASH)).isEmpty();

            Files.writeString(model, "longer model " + model.getFileName());
            assertThat(store.reusable(file, key('a'), Verification.STAT)).isEmpty();

            Files.delete(model);
            assertThat(store.reusable(file, key('a'), Verification.STAT)).isEmpty();
        }
    }

    @Test
    void aLinkInPlaceOfARecordedModelIsNotReused() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            List<StoredModel> models = place(store, file, key('a'));
            Path model = models.get(0).path();
            Path elsewhere = Files.move(model, root.resolve("elsewhere.om"));
            Files.createSymbolicLink(model, elsewhere);

            assertThat(store.reusable(file, key('a'), Verification.STAT)).isEmpty();
            assertThat(store.reusable(file, key('a'), Verification.HASH)).isEmpty();
        }
    }

    @Test
    void modelsOfTheSameContentRecordedForAnotherFileAreReused() throws IOException {
        // Another -p: another JSON file name, the same content, so the same key and model names.
        OpFile other = OpCatalog.plan(IvfspConfig.builder().processId(3).build(), ModelSet.SERVICE).files().get(0);
        assertThat(other.fileName()).isNotEqualTo(file.fileName());
        assertThat(other.omFileNames()).isEqualTo(file.omFileNames());
        try (ModelStore store = ModelStore.open(root)) {
            List<StoredModel> models = place(store, file, key('a'));

            assertThat(store.reusable(other, key('a'), Verification.HASH)).hasValue(models);
            assertThat(store.reusable(other, key('b'), Verification.HASH)).isEmpty();
            // Same key, but recorded for models of other names: not this file's models.
            OpFile differentModels = plan.files(ModelSet.SERVICE).get(1);
            assertThat(differentModels.omFileNames()).isNotEqualTo(file.omFileNames());
            assertThat(store.reusable(differentModels, key('a'), Verification.STAT)).isEmpty();
        }
    }

    @Test
    void aManifestReplacedOnDiskIsReadAgain() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            place(store, file, key('a'));
            Manifest before = store.manifest(ModelSet.SERVICE);
            assertThat(before.entry(file.fileName()).orElseThrow().key()).isEqualTo(key('a'));

            // Another process replaces it by a rename, as every store write does.
            Manifest.Entry moved = new Manifest.Entry(key('c'), before.entry(file.fileName()).orElseThrow().models(), 2.0);
            Path manifest = store.modelDirectory(ModelSet.SERVICE).resolve(Manifest.FILE_NAME);
            Path tmp = root.resolve("manifest.tmp");
            Files.writeString(tmp, Manifest.empty().with(file.fileName(), moved).toJson());
            Files.move(tmp, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            assertThat(store.manifest(ModelSet.SERVICE).entry(file.fileName()).orElseThrow().key()).isEqualTo(key('c'));

            // Rewritten in place (same file), with another length.
            Files.writeString(manifest, Manifest.empty().toJson());
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
            assertThat(store.reusable(file, key('c'), Verification.STAT)).isEmpty();
        }
    }

    /**
     * Another generator records its jobs (replacing the manifest by a rename, under its lock) while
     * this one reads the manifest, outside any lock, to decide whether to compile: each read must give
     * a whole version, never nothing. Reading nothing made a generator compile a job another had
     * just compiled.
     */
    @Test
    void aManifestReplacedWhileBeingReadIsReadWholeNeverAsEmpty() throws Exception {
        OpFile second = plan.files(ModelSet.SERVICE).get(1);
        try (ModelStore reader = ModelStore.open(root); ModelStore writer = ModelStore.open(root)) {
            place(reader, file, key('a'));
            List<StoredModel> secondModels = place(writer, second, key('b'));
            AtomicBoolean done = new AtomicBoolean();
            AtomicInteger replaced = new AtomicInteger();
            Thread other = new Thread(() -> {
                try {
                    // Compile times of varying length: each record is a new file of another size.
                    for (int i = 0; !done.get(); i++) {
                        writer.record(second, key('b'), secondModels, Duration.ofMillis(i % 2 == 0 ? 1 : 1234567));
                        replaced.incrementAndGet();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            other.start();
            int reads = 0;
            int emptyReads = 0;
            try {
                // Enough reads, while the other store replaced the file many times, for the windows to meet.
                while (other.isAlive() && (reads < 2000 || replaced.get() < 1000)) {
                    if (reader.manifest(ModelSet.SERVICE).entry(file.fileName()).isEmpty()) {
                        emptyReads++;
                    }
                    reads++;
                }
            } finally {
                done.set(true);
                other.join();
            }
            assertThat(replaced.get()).as("the other store kept recording").isGreaterThanOrEqualTo(1000);
            assertThat(emptyReads).as("reads of %d that found no entry, while the file was replaced %d times", reads,
                    replaced.get()).isZero();
        }
    }

    @Test
    void recordingForFilesOfSeveralDirectoriesAtOnceIsRefused() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.record(List.of(file, training), key('a'), List.of(), Duration.ZERO))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("share an output directory");
            assertThat(store.modelDirectory(ModelSet.SERVICE)).doesNotExist();
        }
    }

    @Test
    void aJobLockNeedsASetsDirectoryAndACacheKey() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> store.lockJob("../elsewhere", key('a'), () -> true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("../elsewhere");
            assertThatThrownBy(() -> store.lockJob("op_models", "../../x", () -> true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cache key");
            assertThat(root.resolve(ModelStore.LOCK_DIRECTORY)).doesNotExist();

            for (ModelSet set : ModelSet.values()) {
                try (ModelStore.JobLock lock = store.lockJob(set.outputDirectory(), key('a'), () -> true).orElseThrow()) {
                    assertThat(root.resolve(ModelStore.LOCK_DIRECTORY)
                            .resolve("job-" + set.outputDirectory() + "-" + key('a') + ".lock")).isRegularFile();
                }
            }
        }
    }

    @Test
    void aJobLockHeldElsewhereIsNotGrantedToATryAndIsAfterRelease() throws IOException {
        try (ModelStore one = ModelStore.open(root); ModelStore two = ModelStore.open(root)) {
            Optional<ModelStore.JobLock> held = one.lockJob("op_models", key('a'), () -> true);
            assertThat(held).isPresent();
            assertThat(two.lockJob("op_models", key('a'), () -> true)).isEmpty();
            try (ModelStore.JobLock otherKey = two.lockJob("op_models", key('b'), () -> true).orElseThrow()) {
                assertThat(otherKey).isNotNull();
            }
            held.get().close();
            try (ModelStore.JobLock again = two.lockJob("op_models", key('a'), () -> true).orElseThrow()) {
                assertThat(again).isNotNull();
            }
        }
    }

    @Test
    void theModelHashIsTheSha256OfTheContent() throws IOException {
        Path p = Files.writeString(root.resolve("abc"), "abc");
        assertThat(Sha256.of(p)).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
