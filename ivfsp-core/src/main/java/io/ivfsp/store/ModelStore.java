package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The output directory of a generation: {@code config/*.json}, {@code op_models/},
 * {@code op_models_pyacl/}. Nothing is ever half-written where a user or mxIndex reads: JSON files
 * and models are written beside or below their target and moved into place atomically; compilers
 * work in private staging directories under {@value #STAGING_DIRECTORY}, which the store removes.
 * Symbolic links in place of an output file or directory are refused.
 */
public final class ModelStore implements AutoCloseable {

    /** Hidden directory under the root holding the staging directories of running generations. */
    public static final String STAGING_DIRECTORY = ".ivfsp-staging";
    /** Directory of the single-op JSON files. */
    public static final String CONFIG_DIRECTORY = "config";

    private static final Logger log = LoggerFactory.getLogger(ModelStore.class);

    private final Path root;
    private final Path runStaging;

    private ModelStore(Path root) {
        this.root = root;
        // Deep enough that mxIndex, which scans three levels for *.om, never sees a staged model even
        // when pointed at the root: root/.ivfsp-staging/<run>/<job>/out/x.om.
        this.runStaging = root.resolve(STAGING_DIRECTORY).resolve("run-" + UUID.randomUUID());
    }

    /**
     * Opens (creating if needed) the output root.
     *
     * @throws OutputRefusedException if the root exists and is not a directory
     * @throws UncheckedIOException   if it cannot be created
     */
    public static ModelStore open(Path root) {
        Path abs = root.toAbsolutePath().normalize();
        if (Files.exists(abs) && !Files.isDirectory(abs)) {
            throw new OutputRefusedException(abs, "the output root is not a directory");
        }
        try {
            Files.createDirectories(abs);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create output root " + abs + ": " + e.getMessage(), e);
        }
        return new ModelStore(abs);
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
     * @throws OutputRefusedException if a directory or file to be written is a symbolic link, or a directory is not one
     */
    public void prepare(ModelPlan plan) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(configDirectory());
        plan.files().stream().map(f -> modelDirectory(f.set())).distinct().forEach(dirs::add);
        dirs.add(root.resolve(STAGING_DIRECTORY));
        for (Path dir : dirs) {
            refuseLink(dir, "a symbolic link in place of an output directory");
            if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                throw new OutputRefusedException(dir, "it is in place of an output directory but is not a directory");
            }
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
        Files.createDirectories(configDirectory());
        Path tmp = configDirectory().resolve("." + file.fileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            Files.write(tmp, file.jsonBytes());
            moveAtomically(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }

    /**
     * Creates the private staging directories of one job.
     *
     * @throws IOException if they cannot be created
     */
    public Staging stage(OpFile file) throws IOException {
        Path dir = Files.createDirectories(runStaging).resolve(file.name());
        Files.createDirectory(dir);
        return new Staging(dir, Files.createDirectory(dir.resolve("work")), Files.createDirectory(dir.resolve("out")));
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
     * @throws IOException if a model cannot be read or moved
     * @throws OutputRefusedException if a symbolic link has appeared in place of a model
     */
    public List<StoredModel> publish(OpFile file, Staging staging) throws IOException {
        Path dir = Files.createDirectories(modelDirectory(file.set()));
        List<StoredModel> stored = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path src = staging.out().resolve(om);
            Path target = dir.resolve(om);
            refuseLink(target, "a symbolic link in place of an output file");
            long size = Files.size(src);
            String sha = sha256(src);
            moveAtomically(src, target);
            stored.add(new StoredModel(target, size, sha));
        }
        return stored;
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
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Removes this generation's staging directories, and the staging root if nothing else is in it. */
    @Override
    public void close() {
        deleteTree(runStaging);
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
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            log.warn("could not remove staging directory {}: {}", dir, e.toString());
        }
    }

    /**
     * The private directories of one compile job.
     *
     * @param dir  the job's directory
     * @param work the compiler's working directory (side files)
     * @param out  where the compiler writes the models
     */
    public record Staging(Path dir, Path work, Path out) implements AutoCloseable {
        /** Removes the job's directories and whatever the compiler left in them. */
        @Override
        public void close() {
            deleteTree(dir);
        }
    }
}
