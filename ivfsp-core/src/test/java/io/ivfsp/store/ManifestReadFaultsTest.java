package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.FileReplacedException;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A manifest read without its lock while another process replaces, removes or swaps it, or while the
 * read fails: read again until one whole version is had, and when none can be had within
 * {@link ManifestReader#MAX_READS} reads (and as many under its lock), empty for reading, an error for
 * updating, and never repaired or overwritten.
 */
class ManifestReadFaultsTest {

    @TempDir
    Path root;

    private final List<OpFile> files = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files(ModelSet.SERVICE);
    private final OpFile file = files.get(0);
    private final String key = "a".repeat(64);
    private String recorded;

    private Path manifestFile() {
        return root.resolve(file.outputDirectory()).resolve(Manifest.FILE_NAME);
    }

    /** Places {@code f}'s models by hand and records them. */
    private List<StoredModel> place(ModelStore store, OpFile f) throws IOException {
        Path dir = Files.createDirectories(store.modelDirectory(f.set()));
        List<StoredModel> models = new ArrayList<>();
        for (String om : f.omFileNames()) {
            Path p = Files.writeString(dir.resolve(om), "model " + om);
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
        }
        store.record(f, key, models, Duration.ofSeconds(1));
        return models;
    }

    @BeforeEach
    void recordOneFile() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            place(store, file);
        }
        recorded = Files.readString(manifestFile());
    }

    /** Faults that, at each of the first {@code times} reads of a manifest, do {@code what}; counting every read. */
    private static StoreFaults atRead(AtomicInteger reads, int times, ReadFault what) {
        return new StoreFaults() {
            @Override
            public void beforeWrite(Path target) {
            }

            @Override
            public void whileReading(Path manifest) throws IOException {
                if (reads.incrementAndGet() <= times) {
                    what.at(manifest);
                }
            }
        };
    }

    private interface ReadFault {
        void at(Path manifest) throws IOException;
    }

    /** Replaces the manifest by a rename, as every writer does, with {@code text}. */
    private static ReadFault replacedWith(String text) {
        return manifest -> {
            Path next = Files.writeString(manifest.resolveSibling("next"), text);
            Files.move(next, manifest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        };
    }

    private List<Path> keptAside() throws IOException {
        try (Stream<Path> s = Files.list(manifestFile().getParent())) {
            return s.filter(p -> p.getFileName().toString().contains(ManifestStore.CORRUPT_SUFFIX)).toList();
        }
    }

    @Test
    void aManifestReplacedWhileReadIsReadAgainUntilOneWholeVersionIsHad() throws Exception {
        String newer = Manifest.parse(recorded).without(file.fileName()).toJson();
        AtomicInteger reads = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, 3, replacedWith(newer)));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(Manifest.parse(newer));
        }
        assertThat(reads).as("reads: three met a replacement, the fourth did not").hasValue(4);
        assertThat(keptAside()).isEmpty();
    }

    @Test
    void aManifestReplacedAtEveryReadIsEmptyForThisReadAfterItsLastTries_andLeftAsItIs() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, Integer.MAX_VALUE, replacedWith(recorded)));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
        }
        assertThat(reads).as("reads without the lock, then under it").hasValue(2 * ManifestReader.MAX_READS);
        assertThat(manifestFile()).hasContent(recorded);
        assertThat(keptAside()).isEmpty();
    }

    @Test
    void aReadThatMeetsAReplacementInsideTheFileReadIsDoneAgain_andGivesUpAfterItsLastTries() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        ReadFault replacedDuringTheRead = manifest -> {
            throw new FileReplacedException(manifest);
        };
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, 3, replacedDuringTheRead));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(Manifest.parse(recorded));
        }
        assertThat(reads).hasValue(4);

        reads.set(0);
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, Integer.MAX_VALUE, replacedDuringTheRead));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
        }
        assertThat(reads).hasValue(2 * ManifestReader.MAX_READS);
        assertThat(manifestFile()).hasContent(recorded);
    }

    @Test
    void anUpdateOfAManifestReplacedAtEveryReadFailsAndLosesNoEntry() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, Integer.MAX_VALUE, replacedWith(recorded)));
             ModelStore store = ModelStore.open(root)) {
            assertThatThrownBy(() -> place(store, files.get(1))).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot update the manifest " + manifestFile())
                    .hasMessageContaining("replaced at each of " + ManifestReader.MAX_READS + " reads");
        }
        assertThat(manifestFile()).hasContent(recorded);
    }

    @Test
    void aManifestRemovedWhileReadIsNoManifest() throws Exception {
        AtomicInteger reads = new AtomicInteger();
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(reads, 1, Files::delete));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
        }
        assertThat(reads).hasValue(1);
        assertThat(manifestFile()).doesNotExist();
    }

    @Test
    void aDirectorySwappedInForTheManifestWhileReadIsNoManifest_andAnUpdateIsRefused() throws Exception {
        ReadFault swapped = manifest -> {
            Files.delete(manifest);
            Files.createDirectory(manifest);
        };
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(new AtomicInteger(), 1, swapped));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
            assertThatThrownBy(() -> place(store, files.get(1))).isInstanceOf(IOException.class)
                    .hasMessageContaining(manifestFile().toString());
        }
        assertThat(manifestFile()).isEmptyDirectory();
    }

    @Test
    void aManifestThatCannotBeReadIsEmptyForReading_andAnUpdateFailsWithTheReadError() throws Exception {
        ReadFault failing = manifest -> {
            throw new IOException("Input/output error");
        };
        try (AutoCloseable injected = StoreFaults.inject(root, atRead(new AtomicInteger(), Integer.MAX_VALUE, failing));
             ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
            assertThatThrownBy(() -> place(store, files.get(1))).isInstanceOf(IOException.class)
                    .hasMessageContaining("cannot update the manifest " + manifestFile())
                    .hasMessageContaining("Input/output error");
        }
        assertThat(manifestFile()).hasContent(recorded);
        assertThat(keptAside()).isEmpty();
    }
}
