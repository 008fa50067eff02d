package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output directory of generations: {@code config/*.json}, {@code op_models/},
 * {@code op_models_pyacl/}, each model directory with its hidden {@link Manifest}.
 *
 * <ul>
 * <li>Nothing is half-written where a user or mxIndex reads: JSON files, models and manifests are
 * written in this run's staging directory (same file system) and moved into place atomically.</li>
 * <li>Several processes may share a root: an OS file lock per JSON file ensures one compiles it
 * while the others wait and reuse the result, and a lock per manifest serializes its updates. OS
 * locks vanish with their process, so a killed generator blocks no one.</li>
 * <li>Each run's staging directory is locked while the run lives; later runs remove the staging
 * directories of dead runs, and only those.</li>
 * <li>Symbolic links in place of an output file or directory, and output directories that cannot
 * be written, are refused before anything is written.</li>
 * </ul>
 */
public final class ModelStore implements AutoCloseable {

    /** Hidden directory under the root holding the staging directories of running generations. */
    public static final String STAGING_DIRECTORY = ".ivfsp-staging";
    /** Hidden directory under the root holding the lock files (never deleted: deleting a lock file races). */
    public static final String LOCK_DIRECTORY = ".ivfsp-locks";
    /** Directory of the single-op JSON files. */
    public static final String CONFIG_DIRECTORY = "config";

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
    private static final Pattern RUN_NAME = Pattern.compile("run-" + UUID_PATTERN);
    /** A run's directory while it is being created and locked; left only by a run that died right then. */
    private static final Pattern NEW_RUN_NAME = Pattern.compile("new-" + UUID_PATTERN);
    private static final String RUN_LOCK = ".lock";
    /** A new- directory older than this is a run that died before it was renamed into place. */
    private static final Duration UNLOCKED_RUN_GRACE = Duration.ofMinutes(10);
    /**
     * One permit per lock file for this JVM: FileLock alone cannot exclude two threads of one process,
     * and waiting here needs no polling. Other processes are waited for by polling the OS lock.
     */
    private static final ConcurrentHashMap<Path, java.util.concurrent.Semaphore> JVM_LOCKS = new ConcurrentHashMap<>();

    private static java.util.concurrent.Semaphore jvmLock(Path key) {
        return JVM_LOCKS.computeIfAbsent(key, k -> new java.util.concurrent.Semaphore(1));
    }

    private final Path root;
    private final Path runStaging;
    private final StoreFaults faults;
    private final HeldLock runLock;
    private final Map<Path, CachedManifest> manifests = new ConcurrentHashMap<>();
    /** Directories this store has created or seen: created once, not checked again on every job. */
    private final Set<Path> knownDirectories = ConcurrentHashMap.newKeySet();

    private ModelStore(Path root, Path runStaging, HeldLock runLock, StoreFaults faults) {
        this.root = root;
        this.runStaging = runStaging;
        this.runLock = runLock;
        this.faults = faults;
    }

    /** Opens the root without fault injection; see {@link #open(Path, StoreFaults)}. */
    public static ModelStore open(Path root) {
        return open(root, StoreFaults.NONE);
    }

    /**
     * Opens (creating if needed) the output root, removes the staging directories of dead runs and
     * starts this run's own, locked while it is open.
     *
     * @throws OutputRefusedException if the root exists and is not a writable directory
     * @throws UncheckedIOException   if it cannot be created
     */
    public static ModelStore open(Path root, StoreFaults faults) {
        Path abs = root.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new OutputRefusedException(abs, "the output root is not a directory");
        }
        try {
            Files.createDirectories(abs);
            refuseUnwritable(abs, faults);
            Path staging = abs.resolve(STAGING_DIRECTORY);
            refuseLink(staging, "a symbolic link in place of an output directory");
            removeDeadRuns(staging);
            // Lock the run's directory under a name cleanup ignores, then rename it: a run- directory is
            // never seen with an unlocked lock file while its run is alive. The lock is on the inode, so it
            // survives the rename.
            String id = UUID.randomUUID().toString();
            Path fresh = Files.createDirectories(staging).resolve("new-" + id);
            Files.createDirectory(fresh);
            HeldLock lock = acquire(fresh.resolve(RUN_LOCK), () -> false, false)
                    .orElseThrow(() -> new IllegalStateException("cannot lock a new staging directory " + fresh));
            Path run = staging.resolve("run-" + id);
            Files.move(fresh, run, StandardCopyOption.ATOMIC_MOVE);
            return new ModelStore(abs, run, lock.movedTo(run.resolve(RUN_LOCK)), faults);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the output root " + abs + ": " + e.getMessage(), e);
        }
    }

    private static void refuseUnwritable(Path dir, StoreFaults faults) throws IOException {
        try {
            faults.beforeWrite(dir);
        } catch (IOException e) {
            throw new OutputRefusedException(dir, "it cannot be written (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new OutputRefusedException(dir, "it is not writable by this user");
        }
    }

    private static void removeDeadRuns(Path staging) throws IOException {
        if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> runs;
        List<Path> unfinished;
        try (Stream<Path> s = Files.list(staging)) {
            List<Path> dirs = s.filter(p -> Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)).toList();
            runs = dirs.stream().filter(p -> RUN_NAME.matcher(p.getFileName().toString()).matches()).toList();
            unfinished = dirs.stream().filter(p -> NEW_RUN_NAME.matcher(p.getFileName().toString()).matches()).toList();
        }
        for (Path dir : unfinished) {
            if (age(dir).compareTo(UNLOCKED_RUN_GRACE) > 0) {
                log.info("removing the staging directory of a run that died starting: {}", dir);
                deleteTree(dir);
            }
        }
        for (Path run : runs) {
            Path lockFile = run.resolve(RUN_LOCK);
            if (Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                Optional<HeldLock> lock = acquire(lockFile, () -> true, false);
                if (lock.isPresent()) {
                    try (HeldLock held = lock.get()) {
                        log.info("removing the staging directory of a dead run: {}", run);
                        deleteTree(run);
                    }
                }
            } else {
                // Renamed into place only once locked: a run- directory without a lock file is not ours to judge.
                log.warn("leaving {} alone: it has no lock file", run);
            }
        }
    }

    private static Duration age(Path p) {
        try {
            FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return Duration.between(t.toInstant(), Instant.now());
        } catch (IOException e) {
            return Duration.ZERO;
        }
    }

    private Path directory(Path dir) throws IOException {
        if (!knownDirectories.contains(dir)) {
            Files.createDirectories(dir);
            knownDirectories.add(dir);
        }
        return dir;
    }

    /** The output root. */
    public Path root() {
        return root;
    }

    /** {@code <root>/config}. */
    public Path configDirectory() {
        return root.resolve(CONFIG_DIRECTORY);
    }

    /** Where a set's models go, e.g. {@code <root>/op_models}. */
    public Path modelDirectory(ModelSet set) {
        return root.resolve(set.outputDirectory());
    }

    /** Where a file's JSON goes. */
    public Path jsonPath(OpFile file) {
        return configDirectory().resolve(file.fileName());
    }

    /**
     * Checks every location the plan writes, before anything is written; directories are created when
     * first written to.
     *
     * @throws OutputRefusedException if a location is a symbolic link, a directory is not one or cannot be written
     */
    public void prepare(ModelPlan plan) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(configDirectory());
        plan.files().stream().map(f -> modelDirectory(f.set())).distinct().forEach(dirs::add);
        dirs.add(root.resolve(LOCK_DIRECTORY));
        try {
            for (Path dir : dirs) {
                refuseLink(dir, "a symbolic link in place of an output directory");
                if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
                    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                        throw new OutputRefusedException(dir, "it is in place of an output directory but is not a directory");
                    }
                    refuseUnwritable(dir, faults);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (OpFile f : plan.files()) {
            refuseLink(jsonPath(f), "a symbolic link in place of an output file");
            for (String om : f.omFileNames()) {
                refuseLink(modelDirectory(f.set()).resolve(om), "a symbolic link in place of an output file");
            }
        }
    }

    private static void refuseLink(Path p, String what) {
        if (Files.isSymbolicLink(p)) {
            throw new OutputRefusedException(p, "it is " + what + "; remove the link or choose another output root");
        }
    }

    /**
     * Writes a file's JSON to {@code config/}, atomically: a reader sees the old content or the new, never a mix.
     *
     * @return where it was written
     * @throws IOException if writing fails; the old file, if any, is then left as it was
     */
    public Path writeJson(OpFile file) throws IOException {
        Path target = jsonPath(file);
        refuseLink(target, "a symbolic link in place of an output file");
        byte[] bytes = file.jsonBytes();
        if (hasContent(target, bytes)) {
            return target;  // already right: replacing it would change nothing a reader can see
        }
        Files.createDirectories(configDirectory());
        writeAtomically(target, bytes);
        return target;
    }

    private static boolean hasContent(Path p, byte[] bytes) {
        try {
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == bytes.length
                    && java.util.Arrays.equals(Files.readAllBytes(p), bytes);
        } catch (IOException e) {
            return false;
        }
    }

    private void writeAtomically(Path target, byte[] content) throws IOException {
        faults.beforeWrite(target);
        Path tmp = runStaging.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, content);
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates the private staging directories of one job and puts its own copy of the JSON there: a
     * compiler reads that copy, which no other process can replace while it runs.
     *
     * @throws IOException if they cannot be created
     */
    public Staging stage(OpFile file) throws IOException {
        // The job's directory is the compiler's working directory; models go to out/ inside it.
        Path dir = Files.createDirectory(runStaging.resolve(file.name()));
        Path out = Files.createDirectory(dir.resolve("out"));
        Path json = Files.write(dir.resolve(file.fileName()), file.jsonBytes());
        return new Staging(dir, json, dir, out);
    }

    /**
     * The expected models of {@code file} that are missing from the staging output or empty.
     *
     * @return their names, empty when all are there
     */
    public List<String> missingModels(OpFile file, Staging staging) {
        List<String> missing = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path p = staging.out().resolve(om);
            try {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) == 0) {
                    missing.add(om);
                }
            } catch (IOException e) {
                missing.add(om);
            }
        }
        return missing;
    }

    /**
     * Moves a job's models from staging into their set's directory, each atomically, replacing a model
     * of the same name.
     *
     * @return the models in their final place, in op order
     * @throws IOException if a model cannot be read or moved; models already in place stay complete
     * @throws OutputRefusedException if a symbolic link has appeared in place of a model
     */
    public List<StoredModel> publish(OpFile file, Staging staging) throws IOException {
        Path dir = directory(modelDirectory(file.set()));
        List<StoredModel> stored = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path src = staging.out().resolve(om);
            Path target = dir.resolve(om);
            refuseLink(target, "a symbolic link in place of an output file");
            long size = Files.size(src);
            String sha = sha256(src);
            faults.beforeWrite(target);
            moveAtomically(src, target);
            stored.add(new StoredModel(target, size, sha));
        }
        return stored;
    }

    /**
     * Locks the compilation of one model content (a cache key) into one output directory, across
     * threads and processes, waiting while another holds it. Keyed by content, not file name, so that
     * generators whose JSON files differ only in name (another {@code -p}) exclude each other too.
     *
     * @param cancelled polled while waiting; when it answers true the wait ends empty
     * @throws IOException if the lock file cannot be opened
     */
    public Optional<JobLock> lockJob(String outputDirectory, String key, BooleanSupplier cancelled) throws IOException {
        Path dir = directory(root.resolve(LOCK_DIRECTORY));
        return acquire(dir.resolve("job-" + outputDirectory + "-" + key + ".lock"), cancelled, true).map(JobLock::new);
    }

    /**
     * The manifest of a set's directory; an unreadable one counts as empty (its models are then rebuilt).
     * It is parsed again only when the file changed: every write replaces it by a rename, so its inode,
     * modification time or size differs.
     */
    public Manifest manifest(ModelSet set) {
        Path p = modelDirectory(set).resolve(Manifest.FILE_NAME);
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return Manifest.empty();
        } catch (IOException e) {
            log.warn("ignoring unreadable manifest {}: {}", p, e.toString());
            return Manifest.empty();
        }
        CachedManifest cached = manifests.get(p);
        if (cached != null && cached.matches(attrs)) {
            return cached.manifest();
        }
        try {
            Manifest m = Manifest.parse(Files.readString(p));
            manifests.put(p, new CachedManifest(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size(), m));
            return m;
        } catch (IOException | RuntimeException e) {
            log.warn("ignoring unreadable manifest {}: {}", p, e.toString());
            return Manifest.empty();
        }
    }

    /** A parsed manifest and the attributes of the file it was read from. */
    private record CachedManifest(Object fileKey, FileTime modified, long size, Manifest manifest) {
        boolean matches(BasicFileAttributes a) {
            return java.util.Objects.equals(fileKey, a.fileKey()) && modified.equals(a.lastModifiedTime())
                    && size == a.size();
        }
    }

    /**
     * The models of {@code file} in place, if its manifest entry has this key and every model is
     * intact at the given level.
     */
    public Optional<List<StoredModel>> reusable(OpFile file, String key, Verification verification) {
        Manifest manifest = manifest(file.set());
        List<String> expected = file.omFileNames();
        // Its own entry, else any entry of the same content (compiled for another file name).
        Optional<Manifest.Entry> entry = manifest.entry(file.fileName()).filter(e -> e.key().equals(key))
                .or(() -> manifest.entries().values().stream().filter(e -> e.key().equals(key)).findFirst())
                .filter(e -> e.models().stream().map(Manifest.Model::name).toList().equals(expected));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        List<Manifest.Model> models = entry.get().models();
        List<StoredModel> stored = new ArrayList<>();
        Path dir = modelDirectory(file.set());
        for (Manifest.Model m : models) {
            Path p = dir.resolve(m.name());
            try {
                if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) || Files.size(p) != m.size()) {
                    return Optional.empty();
                }
                if (verification == Verification.HASH && !sha256(p).equals(m.sha256())) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            stored.add(new StoredModel(p, m.size(), m.sha256()));
        }
        return Optional.of(stored);
    }

    /**
     * Records a compiled job in its directory's manifest, under the manifest's lock, atomically.
     *
     * @throws IOException if the manifest cannot be written; the models stay in place and are rebuilt next time
     */
    public void record(OpFile file, String key, List<StoredModel> models, Duration compileTime) throws IOException {
        record(List.of(file), key, models, compileTime);
    }

    /**
     * Records one compiled content for several JSON files of the same output directory, in one update.
     *
     * @throws IOException if the manifest cannot be written
     * @throws IllegalArgumentException if the files do not share an output directory
     */
    public void record(List<OpFile> files, String key, List<StoredModel> models, Duration compileTime) throws IOException {
        if (files.stream().map(OpFile::outputDirectory).distinct().count() != 1) {
            throw new IllegalArgumentException("files of one record must share an output directory: " + files);
        }
        List<Manifest.Model> ms = models.stream()
                .map(m -> new Manifest.Model(m.path().getFileName().toString(), m.size(), m.sha256())).toList();
        Manifest.Entry entry = new Manifest.Entry(key, ms, compileTime.toNanos() / 1e9);
        updateManifest(files.get(0).set(), m -> {
            Manifest updated = m;
            for (OpFile f : files) {
                updated = updated.with(f.fileName(), entry);
            }
            return updated;
        });
    }

    private void updateManifest(ModelSet set, java.util.function.UnaryOperator<Manifest> change) throws IOException {
        Path dir = directory(modelDirectory(set));
        Path locks = directory(root.resolve(LOCK_DIRECTORY));
        try (HeldLock lock = acquire(locks.resolve("manifest-" + dir.getFileName() + ".lock"), () -> false, true)
                .orElseThrow()) {
            Manifest updated = change.apply(manifest(set));
            Path file = dir.resolve(Manifest.FILE_NAME);
            writeAtomically(file, updated.toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            manifests.put(file, new CachedManifest(attrs.fileKey(), attrs.lastModifiedTime(), attrs.size(), updated));
        }
    }

    /**
     * Removes the models the manifests record that none of {@code keep} needs, and their entries; a
     * file the manifests do not record, or that changed since, is never removed.
     *
     * @return the removed model files
     * @throws IOException if a manifest cannot be written
     */
    public List<Path> prune(Collection<OpFile> keep) throws IOException {
        List<Path> removed = new ArrayList<>();
        Set<String> seenDirs = new HashSet<>();
        for (ModelSet set : EnumSet.allOf(ModelSet.class)) {
            if (!seenDirs.add(set.outputDirectory()) || !Files.exists(modelDirectory(set).resolve(Manifest.FILE_NAME))) {
                continue;
            }
            Set<String> kept = new HashSet<>();
            keep.stream().filter(f -> f.outputDirectory().equals(set.outputDirectory()))
                    .forEach(f -> kept.add(f.fileName()));
            updateManifest(set, m -> {
                Set<String> stillRecorded = new HashSet<>();
                m.entries().forEach((json, e) -> {
                    if (kept.contains(json)) {
                        e.models().forEach(x -> stillRecorded.add(x.name()));
                    }
                });
                Manifest result = m;
                for (Map.Entry<String, Manifest.Entry> e : m.entries().entrySet()) {
                    if (kept.contains(e.getKey())) {
                        continue;
                    }
                    for (Manifest.Model model : e.getValue().models()) {
                        if (!stillRecorded.contains(model.name())) {
                            removeIfUnchanged(modelDirectory(set).resolve(model.name()), model).ifPresent(removed::add);
                        }
                    }
                    result = result.without(e.getKey());
                }
                return result;
            });
        }
        return removed;
    }

    private Optional<Path> removeIfUnchanged(Path p, Manifest.Model model) {
        try {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.size(p) == model.size()
                    && sha256(p).equals(model.sha256())) {
                faults.beforeWrite(p);
                Files.delete(p);
                return Optional.of(p);
            }
            log.warn("not pruning {}: it is not the model the manifest recorded", p);
        } catch (IOException e) {
            log.warn("could not prune {}: {}", p, e.toString());
        }
        return Optional.empty();
    }

    private static void moveAtomically(Path src, Path target) throws IOException {
        try {
            Files.move(src, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + src + " to " + target + " atomically (different file systems?)", e);
        }
    }

    /** SHA-256 of a file's content, lower-case hex. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = CacheKey.sha256();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Removes this run's staging directory, and the staging root if nothing else is in it. */
    @Override
    public void close() {
        deleteTree(runStaging);
        runLock.close();
        try {
            Files.deleteIfExists(root.resolve(STAGING_DIRECTORY));
        } catch (IOException e) {
            // Not empty: another generation is staging there.
        }
    }

    /** Deletes a directory this store created, without following links. */
    static void deleteTree(Path dir) {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.deleteIfExists(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not remove staging directory {}: {}", dir, e.toString());
        }
    }

    /**
     * Takes the lock of {@code lockFile} for this JVM and across processes.
     *
     * @param wait whether to wait while another holds it (polling {@code cancelled})
     */
    private static Optional<HeldLock> acquire(Path lockFile, BooleanSupplier cancelled, boolean wait) throws IOException {
        Path key = lockFile.toAbsolutePath().normalize();
        java.util.concurrent.Semaphore jvm = jvmLock(key);
        boolean permit = false;
        try {
            // This JVM first: block on the permit (waking to check for cancellation) without polling.
            while (!(permit = jvm.tryAcquire(wait ? 50 : 0, java.util.concurrent.TimeUnit.MILLISECONDS))) {
                if (!wait || cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
            }
            // Then other processes: the OS gives no wake-up, so poll with a growing pause.
            long pause = 5;
            while (true) {
                Optional<HeldLock> held = tryLockFile(key);
                if (held.isPresent()) {
                    permit = false;  // now the HeldLock's to release
                    return held;
                }
                if (!wait || cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (permit) {
                jvm.release();
            }
        }
    }

    /** The OS lock of a file whose JVM permit the caller holds, or empty when another process holds it. */
    private static Optional<HeldLock> tryLockFile(Path key) throws IOException {
        FileChannel channel = FileChannel.open(key, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new HeldLock(key, channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // Cannot happen while the permit is held; treat as held elsewhere.
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        channel.close();
        return Optional.empty();
    }

    /** A lock held in this JVM and, through the OS, across processes. */
    private static final class HeldLock implements AutoCloseable {
        private final Path key;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean released;

        HeldLock(Path key, FileChannel channel, FileLock lock) {
            this.key = key;
            this.channel = channel;
            this.lock = lock;
        }

        /** The same lock, known by the path its file has after its directory was renamed. */
        HeldLock movedTo(Path path) {
            Path moved = path.toAbsolutePath().normalize();
            if (!jvmLock(moved).tryAcquire()) {
                throw new IllegalStateException("a fresh run directory is already locked: " + moved);
            }
            jvmLock(key).release();
            JVM_LOCKS.remove(key);
            return new HeldLock(moved, channel, lock);
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lock.release();
                channel.close();
            } catch (IOException e) {
                log.warn("could not release lock {}: {}", key, e.toString());
            } finally {
                jvmLock(key).release();
            }
        }
    }

    /** The lock of one job; closing releases it. */
    public static final class JobLock implements AutoCloseable {
        private final HeldLock lock;

        private JobLock(HeldLock lock) {
            this.lock = lock;
        }

        @Override
        public void close() {
            lock.close();
        }
    }

    /**
     * The private directories of one compile job.
     *
     * @param dir  the job's directory
     * @param json the job's own copy of its JSON file
     * @param work the compiler's working directory (side files): the job's directory itself
     * @param out  where the compiler writes the models
     */
    public record Staging(Path dir, Path json, Path work, Path out) implements AutoCloseable {
        /** Removes the job's directories and whatever the compiler left in them. */
        @Override
        public void close() {
            deleteTree(dir);
        }
    }
}
