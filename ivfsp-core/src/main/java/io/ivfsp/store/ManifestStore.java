package io.ivfsp.store;

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
        if (r.problem().isEmpty()) {
            return r.manifest();
        }
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
        RegularFiles.lstat(file).ifPresent(a -> cache.put(file, CachedManifest.of(a, m)));
    }

    private Read readFile(Path dir) {
        Path p = dir.resolve(Manifest.FILE_NAME);
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
            return new Read(Manifest.empty(), Optional.empty(), Optional.of(RegularFiles.kind(attrs)));
        }
        CachedManifest cached = cache.get(p);
        if (cached != null && cached.matches(attrs)) {
            return Read.of(cached.manifest());
        }
        String text;
        try {
            byte[] bytes = RegularFiles.read(p, MAX_BYTES);
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (FileTooLargeException e) {
            return new Read(Manifest.empty(), Optional.of("larger than " + MAX_BYTES + " bytes"), Optional.empty());
        } catch (CharacterCodingException e) {
            return new Read(Manifest.empty(), Optional.of("not UTF-8 text"), Optional.empty());
        } catch (NotARegularFileException e) {
            return new Read(Manifest.empty(), Optional.empty(), Optional.of(e.kind()));
        } catch (IOException e) {
            Log.log.warn("ignoring the unreadable manifest {}: {}", p, e.toString());
            return Read.of(Manifest.empty());
        }
        Manifest.Parsed parsed = Manifest.parseLeniently(text);
        if (!parsed.problems().isEmpty()) {
            return new Read(parsed.manifest(), Optional.of(parsed.problems().get(0)
                    + (parsed.problems().size() > 1 ? " and " + (parsed.problems().size() - 1) + " more" : "")), Optional.empty());
        }
        cache.put(p, CachedManifest.of(attrs, parsed.manifest()));
        return Read.of(parsed.manifest());
    }

    /** What reading gave: the manifest as far as valid, what was corrupt, or what non-file is in its place. */
    private record Read(Manifest manifest, Optional<String> problem, Optional<String> notRegular) {
        static Read of(Manifest m) {
            return new Read(m, Optional.empty(), Optional.empty());
        }
    }

    /** A parsed manifest and the attributes of the file it was read from: every write replaces it by a rename. */
    private record CachedManifest(Object fileKey, FileTime modified, long size, Manifest manifest) {
        static CachedManifest of(BasicFileAttributes a, Manifest m) {
            return new CachedManifest(a.fileKey(), a.lastModifiedTime(), a.size(), m);
        }

        boolean matches(BasicFileAttributes a) {
            return Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime()) && size == a.size();
        }
    }
}
