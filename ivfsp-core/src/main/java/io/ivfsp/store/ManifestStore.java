package io.ivfsp.store;

import io.ivfsp.files.FileReplacedException;
import io.ivfsp.files.FileTooLargeException;
import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The manifests of the model directories: read (capped in size, parsed without trusting the text),
 * cached until the file changes, updated atomically under a lock per directory, and repaired when
 * corrupt. A manifest is a cache: a broken one is moved aside as {@code .ivfsp-manifest.json.corrupt-<time>}
 * with one warning naming it, what could be read of it is kept, a good one is written, and the models
 * of that directory are checked by their SHA-256 before they are reused in this run.
 */
final class ManifestStore {

    /** The largest manifest read: 45 entries take a few hundred KB. */
    static final long MAX_BYTES = 4L << 20;
    static final String CORRUPT_SUFFIX = ".corrupt-";
    /**
     * How long before a read a manifest must have last changed for the read to be cached. A file written
     * since then has a later modification time, so it cannot pass for the cached one even if it reuses its
     * inode and size within one tick of the file system's clock.
     */
    static final long SETTLED_MILLIS = 100;
    /**
     * How many reads of a manifest that each met a replacement are made without its lock, then again
     * under it, before it counts as empty for this read.
     */
    static final int MAX_READS = 8;

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
    private final Map<Path, CachedManifest> cache = new ConcurrentHashMap<>();
    /** Directories whose manifest was repaired by this store: their models are verified by hash. */
    private final Set<Path> repaired = ConcurrentHashMap.newKeySet();
    /** Stats of models found intact by hash in this run, by directory, recorded when the store closes. */
    private final Map<Path, Map<String, Verified>> verified = new ConcurrentHashMap<>();

    ManifestStore(Path locks, KnownDirectories directories, StagingArea staging) {
        this.locks = locks;
        this.directories = directories;
        this.staging = staging;
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
        Read r = readFile(dir);
        if (r.problem().isEmpty() && !r.unsettled()) {
            return r.manifest();
        }
        // Corrupt, or replaced at every read: the lock holds off the store's writers while it is read again.
        try (FileLocks.HeldLock lock = lock(dir)) {
            return repairLocked(dir);
        } catch (IOException | RuntimeException e) {
            Log.log.warn("could not repair the manifest {}: {}", dir.resolve(Manifest.FILE_NAME), e.toString());
            return r.manifest();
        }
    }

    /**
     * Changes the manifest of {@code dir} under its lock and replaces the file atomically.
     *
     * @throws IOException if it cannot be written (then it is as it was), or something other than a
     *                     regular file is in its place
     */
    void update(Path dir, UnaryOperator<Manifest> change) throws IOException {
        directories.ensure(dir);
        try (FileLocks.HeldLock lock = lock(dir)) {
            Manifest updated = change.apply(repairLocked(dir));
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
        return FileLocks.acquire(locks.resolve("manifest-" + dir.getFileName() + ".lock"), () -> false, true)
                .orElseThrow(() -> new IOException("interrupted while waiting for the lock of " + dir.resolve(Manifest.FILE_NAME)));
    }

    /** Under the lock: the manifest, moved aside and rewritten from what could be read if corrupt. */
    private Manifest repairLocked(Path dir) throws IOException {
        Read r = readFile(dir);
        if (r.notRegular().isPresent()) {
            throw new NotARegularFileException(dir.resolve(Manifest.FILE_NAME), r.notRegular().get());
        }
        if (r.unsettled()) {
            Log.log.warn("ignoring the manifest {} for now: it was replaced at each of {} reads, even under its lock"
                    + " (something other than ivfsp is writing it)", dir.resolve(Manifest.FILE_NAME), MAX_READS);
            return r.manifest();
        }
        if (r.problem().isEmpty()) {
            return r.manifest();
        }
        Path file = dir.resolve(Manifest.FILE_NAME);
        Path aside = dir.resolve(Manifest.FILE_NAME + CORRUPT_SUFFIX + Stamp.FORMAT.format(Instant.now()));
        try {
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            aside = dir.resolve(aside.getFileName() + "-" + UUID.randomUUID());
            Files.move(file, aside, StandardCopyOption.ATOMIC_MOVE);
        }
        Log.log.warn("the manifest {} is corrupt ({}): moved it aside to {}, kept {} of its entries, and the models of {}"
                        + " are checked by SHA-256 before they are reused", file, r.problem().get(), aside.getFileName(),
                r.manifest().entries().size(), dir);
        repaired.add(dir);
        write(dir, r.manifest());
        return r.manifest();
    }

    private void write(Path dir, Manifest m) throws IOException {
        Path file = dir.resolve(Manifest.FILE_NAME);
        StoreLayout.checkFile(file, "the store's manifest");
        staging.writeAtomically(file, m.toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Reads the manifest of {@code dir}. Other generators replace it by renames at any time, so a read
     * that met a replacement (the file changed between its check, its opening and the stat after
     * reading) is done again: the result is one whole version, or unsettled after {@link #MAX_READS}
     * tries, never a manifest read as empty because it was being replaced.
     */
    private Read readFile(Path dir) {
        Path p = dir.resolve(Manifest.FILE_NAME);
        for (int attempt = 1; ; attempt++) {
            long started = System.currentTimeMillis();
            BasicFileAttributes attrs;
            try {
                Optional<BasicFileAttributes> a = RegularFiles.lstat(p);
                if (a.isEmpty()) {
                    return Read.of(Manifest.empty());
                }
                attrs = a.get();
            } catch (IOException e) {
                Log.log.warn("ignoring the manifest {}: {}", p, e.toString());
                return Read.of(Manifest.empty());
            }
            if (!attrs.isRegularFile()) {
                return new Read(Manifest.empty(), Optional.empty(), Optional.of(RegularFiles.kind(attrs)), false);
            }
            CachedManifest cached = cache.get(p);
            if (cached != null && cached.matches(attrs)) {
                return Read.of(cached.manifest());
            }
            String text;
            boolean stable;
            try {
                byte[] bytes = RegularFiles.read(p, MAX_BYTES);
                Optional<BasicFileAttributes> after = RegularFiles.lstat(p);
                stable = after.isPresent() && CachedManifest.of(attrs, null).matches(after.get());
                text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
            } catch (FileReplacedException e) {
                if (attempt < MAX_READS) {
                    continue;
                }
                return new Read(Manifest.empty(), Optional.empty(), Optional.empty(), true);
            } catch (FileTooLargeException e) {
                return new Read(Manifest.empty(), Optional.of("larger than " + MAX_BYTES + " bytes"), Optional.empty(), false);
            } catch (CharacterCodingException e) {
                return new Read(Manifest.empty(), Optional.of("not UTF-8 text"), Optional.empty(), false);
            } catch (NotARegularFileException e) {
                return new Read(Manifest.empty(), Optional.empty(), Optional.of(e.kind()), false);
            } catch (IOException e) {
                Log.log.warn("ignoring the unreadable manifest {}: {}", p, e.toString());
                return Read.of(Manifest.empty());
            }
            if (!stable) {
                // Replaced (or written in place) while read: what was read may be a mix, or newer than attrs.
                if (attempt < MAX_READS) {
                    continue;
                }
                return new Read(Manifest.empty(), Optional.empty(), Optional.empty(), true);
            }
            Manifest.Parsed parsed = Manifest.parseLeniently(text);
            if (!parsed.problems().isEmpty()) {
                return new Read(parsed.manifest(), Optional.of(parsed.problems().get(0)
                        + (parsed.problems().size() > 1 ? " and " + (parsed.problems().size() - 1) + " more" : "")),
                        Optional.empty(), false);
            }
            if (attrs.lastModifiedTime().toMillis() < started - SETTLED_MILLIS) {
                cache.put(p, CachedManifest.of(attrs, parsed.manifest()));
            }
            return Read.of(parsed.manifest());
        }
    }

    /**
     * What reading gave: the manifest as far as valid, what was corrupt, what non-file is in its place,
     * or that it was replaced at every one of {@link #MAX_READS} reads (unsettled: read as empty).
     */
    private record Read(Manifest manifest, Optional<String> problem, Optional<String> notRegular, boolean unsettled) {
        static Read of(Manifest m) {
            return new Read(m, Optional.empty(), Optional.empty(), false);
        }
    }

    /**
     * A parsed manifest and the attributes of the file it was read from: every write replaces it by a
     * rename, so a file with other attributes is read again.
     */
    private record CachedManifest(Object fileKey, FileTime modified, long size, Manifest manifest) {
        static CachedManifest of(BasicFileAttributes a, Manifest m) {
            return new CachedManifest(a.fileKey(), a.lastModifiedTime(), a.size(), m);
        }

        boolean matches(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }
}
