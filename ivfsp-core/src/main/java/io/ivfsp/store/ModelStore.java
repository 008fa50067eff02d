package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The output directory of generations: {@code config/*.json}, {@code op_models/},
 * {@code op_models_pyacl/}, each model directory with its hidden {@link Manifest}.
 *
 * <ul>
 * <li>Nothing is half-written where a user or mxIndex reads: JSON files, models and manifests are
 * written in this run's staging directory (same file system) and moved into place atomically.</li>
 * <li>Several processes may share a root: an OS file lock per job ensures one compiles it while the
 * others wait and reuse the result, and a lock per manifest serializes its updates. OS locks vanish
 * with their process, so a killed generator blocks no one.</li>
 * <li>Each run's staging directory is locked while the run lives; later runs remove the staging
 * directories of dead runs, and only those.</li>
 * <li>Anything but a real directory where a directory of the store goes, or anything but a regular
 * file where one of its files goes (a link, a FIFO, a socket, a device), and output directories that
 * cannot be written, are refused with an {@link OutputRefusedException} naming the path, before
 * anything is written or compiled. Nothing is opened before its type is checked, nothing is reached
 * through a link, and a name read from a manifest is used only if it is a file name of the catalog.</li>
 * <li>A corrupt manifest is moved aside and rebuilt; see {@link #manifest(ModelSet)}.</li>
 * </ul>
 */
public final class ModelStore implements AutoCloseable {

    /** Hidden directory under the root holding the staging directories of running generations. */
    public static final String STAGING_DIRECTORY = ".ivfsp-staging";
    /** Hidden directory under the root holding the lock files (never deleted: deleting a lock file races). */
    public static final String LOCK_DIRECTORY = ".ivfsp-locks";
    /** Directory of the single-op JSON files. */
    public static final String CONFIG_DIRECTORY = "config";

    private final Path root;
    private final StoreFaults faults;
    private final StagingArea staging;
    private final KnownDirectories directories = new KnownDirectories();
    private final ManifestStore manifests;

    private ModelStore(Path root, StagingArea staging, StoreFaults faults) {
        this.root = root;
        this.staging = staging;
        this.faults = faults;
        this.manifests = new ManifestStore(root.resolve(LOCK_DIRECTORY), directories, staging, faults);
    }

    /**
     * Opens (creating if needed) the output root, checks the store's own directories, removes the
     * staging directories of dead runs and starts this run's own, locked while it is open.
     *
     * @throws OutputRefusedException if the root exists and is not a writable directory, or something
     *                                other than a real directory is in place of the staging or lock directory,
     *                                or anything but a regular file is in the lock directory
     * @throws UncheckedIOException   if it cannot be created
     */
    public static ModelStore open(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        StoreFaults faults = StoreFaults.forRoot(abs);
        try {
            StoreLayout.prepareRoot(abs, faults);
            return new ModelStore(abs, StagingArea.open(abs.resolve(STAGING_DIRECTORY), faults), faults);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the output root " + abs + ": " + e.getMessage(), e);
        }
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
     * Checks every location the plan writes or reads, before anything is written and before any
     * compiler runs; directories are created when first written to.
     *
     * @throws OutputRefusedException if a directory location holds anything but a real directory or
     *                                cannot be written, or a file location (JSON file, model, manifest,
     *                                lock file) holds anything but a regular file
     */
    public void prepare(ModelPlan plan) {
        StoreLayout.checkPlan(this, plan, faults);
    }

    /**
     * Writes a file's JSON to {@code config/}, atomically: a reader sees the old content or the new, never a mix.
     *
     * @return where it was written
     * @throws OutputRefusedException if anything but a regular file is in its place
     * @throws IOException if writing fails (naming the file and the space left); the old file, if any, is then left as it was
     */
    public Path writeJson(OpFile file) throws IOException {
        Path target = jsonPath(file);
        byte[] bytes = file.jsonBytes();
        if (AtomicFiles.hasContent(target, bytes)) {  // (reads only a regular file, never through a link)
            return target;  // already right: replacing it would change nothing a reader can see
        }
        StoreLayout.checkFile(target, "an output file");
        directories.ensure(configDirectory());
        staging.writeAtomically(target, bytes);
        return target;
    }

    /**
     * Creates the private staging directories of one job and puts its own copy of the JSON there: a
     * compiler reads that copy, which no other process can replace while it runs.
     *
     * @throws IOException if they cannot be created
     */
    public Staging stage(OpFile file) throws IOException {
        return staging.stage(file);
    }

    /**
     * The expected models of {@code file} that are missing from the staging output, empty, or not
     * regular files.
     *
     * @return their names, empty when all are there
     */
    public List<String> missingModels(OpFile file, Staging staging) {
        return Publication.missingModels(file, staging);
    }

    /**
     * Moves a job's models from staging into their set's directory, each atomically, replacing a model
     * of the same name. They are recorded as placed in the manifest first, so that prune knows them
     * even if the process dies before {@link #record} (whose entry makes them reusable).
     *
     * @return the models in their final place, in op order
     * @throws IOException if a model cannot be read or moved (naming it and the space left); models
     *                     already in place stay complete
     * @throws OutputRefusedException if anything but a regular file has appeared in place of a model
     */
    public List<StoredModel> publish(OpFile file, Staging staging) throws IOException {
        return Publication.publish(file, staging, directories.ensure(modelDirectory(file.set())), manifests, faults);
    }

    /**
     * Locks the compilation of one model content (a cache key) into one output directory, across
     * threads and processes, waiting while another holds it. Keyed by content, not file name, so that
     * generators whose JSON files differ only in name (another {@code -p}) exclude each other too.
     *
     * @param cancelled polled while waiting; when it answers true the wait ends empty
     * @throws IllegalArgumentException if the directory is not a set's or the key not a SHA-256
     * @throws IOException if the lock file cannot be opened, or is not a regular file
     */
    public Optional<JobLock> lockJob(String outputDirectory, String key, BooleanSupplier cancelled) throws IOException {
        String lockFile = ModelNames.jobLock(outputDirectory, key);
        Path dir = directories.ensure(root.resolve(LOCK_DIRECTORY));
        return FileLocks.acquire(dir.resolve(lockFile), cancelled, true)
                .map(JobLock::new);
    }

    /**
     * The manifest of a set's directory. It is parsed again only when the file changed (every write
     * replaces it by a rename). One that is too large, not UTF-8, not JSON, nested too deep or not a
     * valid manifest is moved aside as {@code .ivfsp-manifest.json.corrupt-<time>} with a warning
     * naming it; what could be read is kept and written as the new manifest, and the directory's
     * models are then verified by SHA-256 before reuse. Nothing at all there counts as empty.
     */
    public Manifest manifest(ModelSet set) {
        return manifests.read(modelDirectory(set));
    }

    /**
     * The models of {@code file} in place, if its manifest entry has this key and every model is
     * intact at the given level (always by hash in a directory whose manifest had to be repaired). The
     * stats of models found intact by hash are recorded in their manifest when the store closes.
     */
    public Optional<List<StoredModel>> reusable(OpFile file, String key, Verification verification) {
        Path dir = modelDirectory(file.set());
        Verification level = manifests.wasRepaired(dir) ? Verification.HASH : verification;
        return ReuseCheck.reusable(manifest(file.set()), dir, file, key, level, manifests::verified);
    }

    /**
     * The models of {@code file} in place, if its manifest entry has this key and the recorded stat of
     * every model vouches for it ({@link Verification#STAT} without reading anything); empty otherwise,
     * or in a directory whose manifest had to be repaired. Taken without the job's lock, for the warm path;
     * {@code manifest} is the set's, read once for many files (a stale one vouches only for unchanged stats).
     */
    public Optional<List<StoredModel>> trusted(Manifest manifest, OpFile file, String key) {
        Path dir = modelDirectory(file.set());
        if (manifests.wasRepaired(dir)) {
            return Optional.empty();
        }
        return ReuseCheck.trusted(manifest, dir, file, key);
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
     * Records one compiled content for several JSON files of the same output directory, in one update;
     * the models are remembered as placed by the store until it removes them. Nothing is recorded (with a
     * warning) if a model is no longer in place (a concurrent prune removed it): the manifest never names
     * a model that is not there.
     *
     * @throws IOException if the manifest cannot be written
     * @throws IllegalArgumentException if the files do not share an output directory
     */
    public void record(List<OpFile> files, String key, List<StoredModel> models, Duration compileTime) throws IOException {
        record(files, key, models, compileTime, Optional.empty());
    }

    /** The same for a job compiled in a shared call: its own time is not measured (0), the call's is kept whole. */
    public void record(List<OpFile> files, String key, List<StoredModel> models, Duration compileTime,
                       Optional<SharedCall> sharedCall) throws IOException {
        if (files.stream().map(OpFile::outputDirectory).distinct().count() != 1) {
            throw new IllegalArgumentException("files of one record must share an output directory: " + files);
        }
        Recording.record(manifests, modelDirectory(files.get(0).set()), files, key, models, compileTime, sharedCall);
    }

    /**
     * Removes the models the store placed that none of {@code keep} needs (whichever JSON file or
     * configuration they were compiled for), and forgets them; the manifest is written before any file
     * is removed. Only a regular file directly in a model directory, under a model name of the catalog,
     * unchanged since the store placed it, is removed; anything else is reported and left alone.
     *
     * @return the removed model files
     * @throws IOException if a manifest cannot be written
     * @throws OutputRefusedException if anything but a real directory is in place of a model directory, or
     *                                anything but a regular file in place of its manifest
     */
    public List<Path> prune(Collection<OpFile> keep) throws IOException {
        return new Pruner(root, manifests, staging, faults).prune(keep);
    }

    /**
     * Records in the manifests the stats of the models found intact by hash, then removes this run's
     * staging directory, and the staging root if nothing else is in it.
     */
    @Override
    public void close() {
        manifests.recordVerified();
        staging.close();
    }

    /** The lock of one job; closing releases it. */
    public static final class JobLock implements AutoCloseable {
        private final FileLocks.HeldLock lock;

        private JobLock(FileLocks.HeldLock lock) {
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
            DirectoryTrees.delete(dir);
        }
    }
}
