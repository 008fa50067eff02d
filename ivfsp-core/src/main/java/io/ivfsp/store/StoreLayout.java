package io.ivfsp.store;

import io.ivfsp.files.RegularFiles;

import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks that what is in the places the store writes is what it expects there, before anything is
 * written and before any compiler runs: a real directory (not a link) where a directory goes, a
 * regular file (not a link, directory, FIFO, socket or device) where a file goes. Anything else is
 * refused with an {@link OutputRefusedException} naming the path.
 */
final class StoreLayout {

    /** How many entries of the lock directory are checked at most (it holds one per job and directory). */
    private static final int MAX_LOCK_ENTRIES_CHECKED = 100_000;

    private StoreLayout() {
    }

    /** Refuses anything but nothing or a real directory at {@code dir}. */
    static void checkDirectory(Path dir, String role) {
        Optional<BasicFileAttributes> a = lstat(dir);
        if (a.isPresent() && !a.get().isDirectory()) {
            throw new OutputRefusedException(dir, "it is " + RegularFiles.kind(a.get()) + " in place of " + role
                    + "; remove it or choose another output root");
        }
    }

    /** Refuses anything but nothing or a regular file at {@code file}. */
    static void checkFile(Path file, String role) {
        Optional<BasicFileAttributes> a = lstat(file);
        if (a.isPresent() && !a.get().isRegularFile()) {
            throw new OutputRefusedException(file, "it is " + RegularFiles.kind(a.get()) + " in place of " + role
                    + "; remove it or choose another output root");
        }
    }

    /** Refuses any entry of the lock directory that is not a regular file: the store would open it. */
    static void checkLockDirectory(Path locks) {
        checkDirectory(locks, "the store's lock directory");
        if (lstat(locks).isEmpty()) {
            return;
        }
        int seen = 0;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(locks)) {
            for (Path p : s) {
                checkFile(p, "a lock file");
                if (++seen >= MAX_LOCK_ENTRIES_CHECKED) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + locks + ": " + e.getMessage(), e);
        }
    }

    /**
     * Checks every location {@code plan} writes or reads under the store's root: directories, the lock
     * directory's entries, the manifests, the JSON files and the models.
     *
     * @param faults injected before a directory's writability is tried (tests)
     */
    static void checkPlan(ModelStore store, ModelPlan plan, StoreFaults faults) {
        List<Path> dirs = new ArrayList<>();
        dirs.add(store.configDirectory());
        // Plain loops, no lambdas or streams: this runs on the warm path of a fresh JVM.
        List<Path> modelDirs = new ArrayList<>();
        for (OpFile f : plan.files()) {
            Path d = store.modelDirectory(f.set());
            if (!modelDirs.contains(d)) {
                modelDirs.add(d);
            }
        }
        dirs.addAll(modelDirs);
        for (Path dir : dirs) {
            checkDirectory(dir, "an output directory");
            if (Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
                refuseUnwritable(dir, faults);
            }
        }
        checkLockDirectory(store.root().resolve(ModelStore.LOCK_DIRECTORY));
        for (Path d : modelDirs) {
            checkFile(d.resolve(Manifest.FILE_NAME), "the store's manifest");
        }
        for (OpFile f : plan.files()) {
            checkFile(store.jsonPath(f), "an output file");
            for (String om : f.omFileNames()) {
                checkFile(store.modelDirectory(f.set()).resolve(om), "an output file");
            }
        }
    }

    /**
     * Refuses a root that is not a directory, creates it if absent, then refuses it if it cannot be
     * written, and refuses anything but a real directory in place of its staging or lock directory, or
     * anything but a regular file in the lock directory.
     */
    static void prepareRoot(Path root, StoreFaults faults) throws IOException {
        if (Files.exists(root) && !Files.isDirectory(root)) {
            throw new OutputRefusedException(root, "the output root is not a directory");
        }
        AtomicFiles.createDirectories(root);
        refuseUnwritable(root, faults);
        checkDirectory(root.resolve(ModelStore.STAGING_DIRECTORY), "the store's staging directory");
        checkLockDirectory(root.resolve(ModelStore.LOCK_DIRECTORY));
    }

    /** Refuses a directory this process cannot write (or the fault hook says it cannot). */
    static void refuseUnwritable(Path dir, StoreFaults faults) {
        try {
            faults.beforeWrite(dir);
        } catch (IOException e) {
            throw new OutputRefusedException(dir, "it cannot be written (" + e.getMessage() + ")");
        }
        if (!Files.isWritable(dir)) {
            throw new OutputRefusedException(dir, "it is not writable by this user");
        }
    }

    /** Creates the directory {@code dir} if absent, never through a link; refuses anything else there. */
    static void createDirectory(Path dir) throws IOException {
        try {
            AtomicFiles.createDirectory(dir);  // mkdir: does not follow a link in the last component
        } catch (FileAlreadyExistsException e) {
            checkDirectory(dir, "a directory of the store");
        }
    }

    private static Optional<BasicFileAttributes> lstat(Path p) {
        try {
            return RegularFiles.lstat(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot examine " + p + ": " + e.getMessage(), e);
        }
    }
}
