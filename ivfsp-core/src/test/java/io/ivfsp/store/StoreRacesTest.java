package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Races between generators (threads and processes) sharing one output root, found by review: each test
 * makes the interleaving happen at once, without relying on timing.
 */
class StoreRacesTest {

    @TempDir
    Path dir;

    /** Whether another process could take the OS lock of {@code file} now (python3's fcntl, non-blocking). */
    private static boolean freeForAnotherProcess(Path file) throws IOException, InterruptedException {
        Waits.Finished p = Waits.run(new ProcessBuilder("python3", "-S", "-c", "import fcntl, os, sys\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\n"
                + "try:\n"
                + "    fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)\n"
                + "    print('free')\n"
                + "except OSError:\n"
                + "    print('held')\n", file.toString()).redirectErrorStream(true));
        String out = p.out().trim();
        assertThat(out).isIn("free", "held");
        return out.equals("free");
    }

    /**
     * A service may name one root by two paths (a link to it, a bind mount). A thread asking for a lock
     * by the second name while another holds it by the first must be refused, and must not drop the OS
     * lock the first holds (closing any descriptor of a file drops the process's locks on it).
     */
    @Test
    void aLockAskedForByAnotherNameOfItsFileIsHeldAndStaysHeldForOtherProcesses() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real"));
        Path alias = Files.createSymbolicLink(dir.resolve("alias"), real);
        Path byReal = real.resolve("job.lock");
        Path byAlias = alias.resolve("job.lock");

        try (FileLocks.HeldLock held = FileLocks.acquire(byReal, () -> false, true).orElseThrow()) {
            assertThat(freeForAnotherProcess(byReal)).as("held before the second name is tried").isFalse();
            Optional<FileLocks.HeldLock> other = CompletableFuture.supplyAsync(() -> {
                try {
                    return FileLocks.acquire(byAlias, () -> true, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get();
            assertThat(other).as("granted by another name while held").isEmpty();
            assertThat(freeForAnotherProcess(byReal)).as("still held for other processes").isFalse();
        }
        assertThat(freeForAnotherProcess(byReal)).isTrue();
        assertThat(FileLocks.isTracked(byReal)).isFalse();
    }

    /**
     * A run's staging directory is locked under a name cleanup ignores, then renamed into place. Another
     * thread's cleanup, judging the run by its new name before the lock learnt it, must find it held,
     * and must not drop the OS lock.
     */
    @Test
    void aLockFileWhoseDirectoryWasRenamedIsStillHeldUnderItsNewName() throws Exception {
        Path fresh = Files.createDirectory(dir.resolve("new-1"));
        try (FileLocks.HeldLock held = FileLocks.acquire(fresh.resolve(".lock"), () -> false, false).orElseThrow()) {
            Path started = Files.move(fresh, dir.resolve("run-1"), StandardCopyOption.ATOMIC_MOVE);
            Path lock = started.resolve(".lock");
            Optional<FileLocks.HeldLock> probe = CompletableFuture.supplyAsync(() -> {
                try {
                    return FileLocks.tryExisting(lock);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get();
            assertThat(probe).as("a live run judged dead").isEmpty();
            assertThat(freeForAnotherProcess(lock)).as("the run's lock after the probe").isFalse();
            held.movedTo(lock).close();
            assertThat(freeForAnotherProcess(lock)).isTrue();
        }
    }

    /**
     * A thread waits for a lock whose holder removes the lock file before it releases it (as the clean-up
     * of a dead run does). The waiter must end up holding the file its path names now, so that a third
     * thread asking by that path is refused, not granted a second lock on a file nobody else can see.
     */
    @Test
    void aWaiterForALockFileRemovedByItsHolderHoldsTheFileItsPathNamesNow() throws Exception {
        Path file = dir.resolve("removed.lock");
        FileLocks.HeldLock first = FileLocks.acquire(file, () -> false, true).orElseThrow();
        CompletableFuture<FileLocks.HeldLock> second = StoreTesting.queuedWaiter(file);
        Files.delete(file);
        first.close();

        try (FileLocks.HeldLock held = second.get()) {
            assertThat(file).as("the lock file the waiter holds").exists();
            Optional<FileLocks.HeldLock> third = CompletableFuture.supplyAsync(() -> {
                try {
                    return FileLocks.acquire(file, () -> true, false);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get();
            assertThat(third).as("a second holder of the same path").isEmpty();
            assertThat(freeForAnotherProcess(file)).isFalse();
        }
        assertThat(FileLocks.isTracked(file)).isFalse();
    }

    @Test
    void judgingARunNeverCreatesItsLockFile() {
        Path lock = dir.resolve("run-2").resolve(".lock");
        assertThatThrownBy(() -> FileLocks.tryExisting(lock)).isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThatThrownBy(() -> FileLocks.tryExisting(dir.resolve("gone.lock")))
                .isInstanceOf(java.nio.file.NoSuchFileException.class);
        assertThat(dir.resolve("gone.lock")).doesNotExist();
    }

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(0);
    private final OpFile second = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(1);

    private static List<StoredModel> place(ModelStore store, OpFile f, String key) throws IOException {
        Path d = Files.createDirectories(store.modelDirectory(f.set()));
        List<StoredModel> models = new ArrayList<>();
        for (String om : f.omFileNames()) {
            Path p = Files.writeString(d.resolve(om), "model " + om);
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
        }
        store.record(f, key, models, Duration.ofSeconds(1));
        return models;
    }

    /**
     * While one generator repairs a corrupt manifest, another reads it without the lock to decide
     * whether to compile: it must find a manifest there (the corrupt one, which it then repairs or waits
     * for, or the repaired one), never no file, which reads as empty.
     */
    @Test
    void aManifestBeingRepairedIsNeverMissingForReadersWithoutTheLock() throws Exception {
        Path root = dir.resolve("root");
        Path manifest;
        try (ModelStore store = ModelStore.open(root)) {
            place(store, file, "a".repeat(64));
            manifest = store.modelDirectory(ModelSet.SERVICE).resolve(Manifest.FILE_NAME);
        }
        // Valid JSON with one entry, and one invalid entry beside it: corrupt, one entry kept by the repair.
        String text = Files.readString(manifest);
        Files.writeString(manifest, text.replace("\"files\": {", "\"files\": {\"evil.json\": 7, "));
        AtomicReference<ManifestReader.Read> seen = new AtomicReference<>();
        try (AutoCloseable injected = StoreFaults.inject(root, target -> {
            if (target.equals(manifest) && seen.get() == null) {
                // The repair is about to write the repaired manifest: read as another generator would now.
                seen.set(new ManifestReader(StoreFaults.NONE).read(manifest.getParent(), false));
            }
        }); ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entry(file.fileName())).as("kept by the repair").isPresent();
        }
        assertThat(seen.get()).as("the repair wrote the manifest").isNotNull();
        assertThat(seen.get().problem().isPresent() || !seen.get().manifest().entries().isEmpty())
                .as("a reader during the repair found a manifest: %s", seen.get()).isTrue();
        try (var files = Files.list(manifest.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.startsWith(Manifest.FILE_NAME + ManifestStore.CORRUPT_SUFFIX));
        }
    }

    /**
     * A manifest read (and cached) by one generator, then replaced within one tick of a coarse
     * file-system clock by one of the same size that reuses its inode: the update of the first must apply
     * to what is on disk now, not to its cached copy, or the other generator's change is lost. Emulated by
     * rewriting the file in place (same inode) with the same size and putting its times back.
     */
    @Test
    void anUpdateAppliesToTheManifestOnDiskEvenWhenItsStatLooksUnchanged() throws Exception {
        Path root = dir.resolve("root2");
        try (ModelStore one = ModelStore.open(root)) {
            place(one, file, "a".repeat(64));
            Path manifest = one.modelDirectory(ModelSet.SERVICE).resolve(Manifest.FILE_NAME);
            FileTime old = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
            Files.setLastModifiedTime(manifest, old);
            assertThat(one.manifest(ModelSet.SERVICE).entry(file.fileName()).orElseThrow().key()).isEqualTo("a".repeat(64));

            // Another generator's change, same size, same inode, same modification time.
            Files.writeString(manifest, Files.readString(manifest).replace("a".repeat(64), "b".repeat(64)));
            Files.setLastModifiedTime(manifest, old);

            place(one, second, "c".repeat(64));
            Manifest now = Manifest.parseLeniently(Files.readString(manifest)).manifest();
            assertThat(now.entry(file.fileName()).orElseThrow().key()).as("the other generator's change").isEqualTo("b".repeat(64));
            assertThat(now.entry(second.fileName()).orElseThrow().key()).isEqualTo("c".repeat(64));
        }
    }
}
