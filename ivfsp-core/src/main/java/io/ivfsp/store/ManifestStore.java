package io.ivfsp.store;

import io.ivfsp.files.NotARegularFileException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifests of the model directories: read (capped in size, parsed without trusting the text),
 * cached until the file changes, updated atomically under a lock per directory, and repaired when
 * corrupt. A manifest is a cache: a broken one is kept aside as {@code .ivfsp-manifest.json.corrupt-<time>}
 * with one warning naming it, what could be read of it is kept, a good one is written, and the models
 * of that directory are checked by their SHA-256 before they are reused in this run.
 */
final class ManifestStore {

    static final String CORRUPT_SUFFIX = ".corrupt-";

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(ManifestStore.class);
    }

    /** Made on first use: only a corrupt manifest needs it, and building a formatter costs a warm start ~10 ms. */
    private static final class Stamp {
        static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'")
                .withZone(ZoneOffset.UTC);
    }

    private final Path locks;
    private final KnownDirectories directories;
    private final StagingArea staging;
    private final StoreFaults faults;
    private final ManifestReader reader;
    /** Directories whose manifest was repaired by this store: their models are verified by hash. */
    private final Set<Path> repaired = ConcurrentHashMap.newKeySet();
    /** Stats of models found intact by hash in this run, by directory, recorded when the store closes. */
    private final Map<Path, Map<String, Verified>> verified = new ConcurrentHashMap<>();

    ManifestStore(Path locks, KnownDirectories directories, StagingArea staging, StoreFaults faults) {
        this.locks = locks;
        this.directories = directories;
        this.staging = staging;
        this.faults = faults;
        this.reader = new ManifestReader(faults);
    }

    /** Whether the manifest of {@code dir} was found corrupt and repaired by this store. */
    boolean wasRepaired(Path dir) {
        return repaired.contains(dir);
    }

    /**
     * The manifest of {@code dir}; nothing there counts as empty, a corrupt one is repaired. Something
     * other than a regular file there (refused by the layout checks before a run) counts as empty.
     */
    Manifest read(Path dir) {
        ManifestReader.Read r = reader.read(dir, true);
        if (r.problem().isEmpty() && r.unusable().isEmpty()) {
            return r.manifest();
        }
        // Corrupt, or unreadable (replaced at every read): the lock holds off the store's writers while it is read again.
        try (FileLocks.HeldLock lock = lock(dir)) {
            return repairLocked(dir, false);
        } catch (IOException | RuntimeException e) {
            Log.log.warn("could not repair the manifest {}: {}", dir.resolve(Manifest.FILE_NAME), e.toString());
            return r.manifest();
        }
    }

    /**
     * Changes the manifest of {@code dir} under its lock and replaces the file atomically.
     *
     * @throws IOException if it cannot be written (then it is as it was), cannot be read (then it is not
     *                     written: its entries would be lost), or something other than a regular file is in its place
     */
    void update(Path dir, UnaryOperator<Manifest> change) throws IOException {
        directories.ensure(dir);
        try (FileLocks.HeldLock lock = lock(dir)) {
            Manifest updated = change.apply(repairLocked(dir, true));
            write(dir, updated);
        }
    }

    /** Remembers that a model was found intact by hash, with its stat then, for {@link #recordVerified()}. */
    void verified(Path dir, Manifest.Model model, ModelStat stat) {
        verified.computeIfAbsent(dir, d -> new ConcurrentHashMap<>()).put(model.name(), new Verified(model.sha256(), stat));
    }

    /**
     * Records the stats of the models found intact by hash in this run, one manifest update per
     * directory; only for models still placed with the content that was checked. A failure is logged:
     * the stats only spare the next run some reading.
     */
    void recordVerified() {
        for (Map.Entry<Path, Map<String, Verified>> e : verified.entrySet()) {
            Map<String, ModelStat> stats = new java.util.TreeMap<>();
            Map<String, String> sha256s = new java.util.TreeMap<>();
            e.getValue().forEach((name, v) -> {
                stats.put(name, v.stat());
                sha256s.put(name, v.sha256());
            });
            try {
                update(e.getKey(), m -> m.withStats(stats, sha256s));
            } catch (IOException | RuntimeException ex) {
                Log.log.warn("could not record the stats of verified models in {}: {}", e.getKey().resolve(Manifest.FILE_NAME),
                        ex.toString());
            }
        }
        verified.clear();
    }

    private record Verified(String sha256, ModelStat stat) {
    }

    private FileLocks.HeldLock lock(Path dir) throws IOException {
        directories.ensure(locks);
        return FileLocks.acquire(locks.resolve("manifest-" + dir.getFileName() + ".lock"), FileLocks.NOT_CANCELLED, true)
                .orElseThrow(() -> new IOException("interrupted while waiting for the lock of " + dir.resolve(Manifest.FILE_NAME)));
    }

    /**
     * Under the lock: the manifest, read past the cache (another process may have written it since); if
     * corrupt, kept aside and rewritten from what could be read. The path is never without a manifest
     * meanwhile: readers without the lock would take that for an empty one.
     *
     * @param forUpdate whether it is about to be rewritten: then one that cannot be read is an error, not empty
     */
    private Manifest repairLocked(Path dir, boolean forUpdate) throws IOException {
        ManifestReader.Read r = reader.read(dir, false);
        Path file = dir.resolve(Manifest.FILE_NAME);
        if (r.notRegular().isPresent()) {
            throw new NotARegularFileException(file, r.notRegular().get());
        }
        if (r.unusable().isPresent()) {
            if (forUpdate) {
                throw new IOException("cannot update the manifest " + file + ": " + r.unusable().get());
            }
            Log.log.warn("ignoring the manifest {} for now: {}", file, r.unusable().get());
            return r.manifest();
        }
        if (r.problem().isEmpty()) {
            return r.manifest();
        }
        Path aside = keepAside(file, r.size());
        Log.log.warn("the manifest {} is corrupt ({}): kept it aside as {}, kept {} of its entries, and the models of {}"
                        + " are checked by SHA-256 before they are reused", file, r.problem().get(), aside.getFileName(),
                r.manifest().entries().size(), dir);
        repaired.add(dir);
        write(dir, r.manifest());
        return r.manifest();
    }

    /**
     * Keeps the corrupt manifest under a {@code .corrupt-<time>} name: a second link to it, so that the
     * repaired one then replaces the original name at once; moved (leaving the name empty until the
     * rewrite) only where links are not supported and it is too large to copy.
     */
    private Path keepAside(Path file, long size) throws IOException {
        Path aside = file.resolveSibling(Manifest.FILE_NAME + CORRUPT_SUFFIX + Stamp.FORMAT.format(Instant.now()));
        for (int attempt = 0; ; attempt++) {
            Path name = attempt == 0 ? aside : aside.resolveSibling(aside.getFileName() + "-" + UUID.randomUUID());
            try {
                try {
                    faults.beforeWrite(name);
                    Files.createLink(name, file);
                } catch (UnsupportedOperationException | FileSystemException e) {
                    if (e instanceof FileAlreadyExistsException) {
                        throw (FileAlreadyExistsException) e;
                    }
                    if (size <= ManifestReader.MAX_BYTES) {
                        Files.copy(file, name, LinkOption.NOFOLLOW_LINKS);
                    } else {
                        Files.move(file, name, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                return name;
            } catch (FileAlreadyExistsException e) {
                if (attempt > 0) {
                    throw e;
                }
            }
        }
    }

    private void write(Path dir, Manifest m) throws IOException {
        Path file = dir.resolve(Manifest.FILE_NAME);
        StoreLayout.checkFile(file, "the store's manifest");
        staging.writeAtomically(file, m.toJson().getBytes(StandardCharsets.UTF_8));
    }
}
