package io.ivfsp.store;

import io.ivfsp.files.RegularFiles;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This run's private directory under {@code .ivfsp-staging/} (same file system as the outputs, so
 * that moves into place are atomic), locked while the run lives, and the removal of the staging
 * directories of dead runs, and only those.
 */
final class StagingArea implements AutoCloseable {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(StagingArea.class);
    }
    private static final String UUID_PATTERN = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    /**
     * The names of run directories, compiled on first use: a warm run scans no staging directory, and
     * compiling a pattern links lambdas of the JDK's.
     */
    private static final class RunNames {
        static final Pattern RUN_NAME = Pattern.compile("run-" + UUID_PATTERN);
        /** A run's directory while it is being created and locked; left only by a run that died right then. */
        static final Pattern NEW_RUN_NAME = Pattern.compile("new-" + UUID_PATTERN);
    }
    private static final String RUN_LOCK = ".lock";
    /** A new- directory older than this is a run that died before it was renamed into place. */
    private static final Duration UNLOCKED_RUN_GRACE = Duration.ofMinutes(10);
    /** How many times a run's directory is made again when another generator's close removed the empty root. */
    static final int MAX_STARTS = 100;

    private final Path stagingRoot;
    private final StoreFaults faults;
    /** This run's directory and its lock, made when first needed: a warm run that writes nothing makes none. */
    private Path run;
    private FileLocks.HeldLock runLock;
    private boolean closed;

    private StagingArea(Path stagingRoot, StoreFaults faults) {
        this.stagingRoot = stagingRoot;
        this.faults = faults;
    }

    /**
     * Removes the staging directories of dead runs under {@code stagingRoot} (a checked real directory or
     * nothing); this run's own is started when first written to.
     */
    static StagingArea open(Path stagingRoot, StoreFaults faults) throws IOException {
        removeDeadRuns(stagingRoot);
        return new StagingArea(stagingRoot, faults);
    }

    /** This run's directory, created and locked on first use. */
    synchronized Path run() throws IOException {
        if (closed) {
            throw new IOException("the staging area of this run is closed: " + stagingRoot);
        }
        if (run != null) {
            return run;
        }
        // Lock the run's directory under a name cleanup ignores, then rename it: a run- directory is
        // never seen with an unlocked lock file while its run is alive. The lock is on the inode, so it
        // survives the rename.
        String id = UUID.randomUUID().toString();
        Path fresh = createRunDirectory(stagingRoot.resolve("new-" + id));
        // A lock file just created under a fresh random name: no one else can hold it, so it is never empty.
        FileLocks.HeldLock lock = FileLocks.acquire(fresh.resolve(RUN_LOCK), FileLocks.NOT_CANCELLED, false).orElseThrow();
        Path started = stagingRoot.resolve("run-" + id);
        try {
            faults.beforeWrite(started);
            Files.move(fresh, started, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
        runLock = lock.movedTo(started.resolve(RUN_LOCK));
        run = started;
        return run;
    }

    /**
     * Creates {@code fresh} in the staging root, creating the root first; made again when another
     * generator removed the root in between (it removes it whenever it is empty), at most {@link #MAX_STARTS} times.
     */
    private Path createRunDirectory(Path fresh) throws IOException {
        for (int attempt = 1; ; attempt++) {
            StoreLayout.createDirectory(stagingRoot);
            try {
                faults.beforeWrite(fresh);
                return AtomicFiles.createDirectory(fresh);
            } catch (IOException e) {
                if (!(e.getCause() instanceof NoSuchFileException) || attempt >= MAX_STARTS) {
                    throw e;
                }
            }
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
            runs = dirs.stream().filter(p -> RunNames.RUN_NAME.matcher(p.getFileName().toString()).matches()).toList();
            unfinished = dirs.stream().filter(p -> RunNames.NEW_RUN_NAME.matcher(p.getFileName().toString()).matches()).toList();
        } catch (NoSuchFileException e) {
            return;  // another generator removed the staging root, empty, since it was checked: no run to judge
        }
        for (Path dir : unfinished) {
            if (isPastGrace(dir)) {
                Log.log.info("removing the staging directory of a run that died starting: {}", dir);
                DirectoryTrees.delete(dir);
            }
        }
        for (Path run : runs) {
            Path lockFile = run.resolve(RUN_LOCK);
            Optional<BasicFileAttributes> attrs = RegularFiles.lstat(lockFile);
            if (attrs.isEmpty()) {
                // Renamed into place only once locked, so no live run is without its lock file: this is
                // what a removal cut short, or a late write of a killed run's compiler, left behind. Not
                // judged while young (a removal may be under way), removed once, quietly, when old.
                if (isPastGrace(run)) {
                    Log.log.info("removing the staging directory of a dead run, left without its lock file: {}", run);
                    DirectoryTrees.delete(run);
                } else {
                    Log.log.debug("leaving {} for now: it has no lock file", run);
                }
            } else if (!attrs.get().isRegularFile()) {
                Log.log.warn("leaving {} alone: its lock file is {}", run, RegularFiles.kind(attrs.get()));
            } else {
                removeIfDead(run, lockFile);
            }
        }
    }

    /**
     * Removes {@code run} if no live run holds its lock; judging never creates a lock file. A lock file
     * or directory that vanishes while this is judged means its own run closed just then (it removes its
     * lock file last) or another generator removed it: nothing is left to do. A run that cannot be judged
     * is left, with a warning: one run must not stop this one from starting.
     */
    private static void removeIfDead(Path run, Path lockFile) throws IOException {
        Optional<FileLocks.HeldLock> lock;
        try {
            lock = FileLocks.tryExisting(lockFile);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            Log.log.warn("leaving {} alone: its lock cannot be judged ({})", run, e.toString());
            return;
        }
        if (lock.isPresent()) {
            try (FileLocks.HeldLock held = lock.get()) {
                Log.log.info("removing the staging directory of a dead run: {}", run);
                deleteRun(run);
            }
        }
    }

    /**
     * Whether {@code p} last changed longer than {@link #UNLOCKED_RUN_GRACE} ago. One that vanished meanwhile
     * (renamed into place, or removed by another generator) is not: there is nothing left to remove.
     */
    private static boolean isPastGrace(Path p) {
        try {
            FileTime t = Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            return t.toInstant().isBefore(Instant.now().minus(UNLOCKED_RUN_GRACE));
        } catch (IOException e) {
            return false;
        }
    }

    /** A fresh name in this run's directory for a temporary copy of {@code target}. */
    Path temporaryFor(Path target) throws IOException {
        return run().resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    }

    /**
     * Writes {@code content} to {@code target} atomically, through a temporary file in this run's
     * directory: a reader sees the old content or the new, never a mix.
     */
    void writeAtomically(Path target, byte[] content) throws IOException {
        Path tmp = temporaryFor(target);
        try {
            faults.beforeWrite(target);
            AtomicFiles.writeNew(tmp, content);
            AtomicFiles.move(tmp, target);
        } catch (IOException e) {
            throw AtomicFiles.failure("write", target, e);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates the private staging directories of one job and puts its own copy of the JSON there: a
     * compiler reads that copy, which no other process can replace while it runs.
     */
    ModelStore.Staging stage(OpFile file) throws IOException {
        // The job's directory is the compiler's working directory; models go to out/ inside it.
        Path dir = createJobDirectory(run().resolve(file.name()));
        Path out = createJobDirectory(dir.resolve("out"));
        Path json = dir.resolve(file.fileName());
        faults.beforeWrite(json);
        AtomicFiles.writeNew(json, file.jsonBytes());
        return new ModelStore.Staging(dir, json, dir, out);
    }

    /** A new directory of this run's, a failure naming it and the space left (a full disk, most often). */
    private Path createJobDirectory(Path dir) throws IOException {
        try {
            faults.beforeWrite(dir);
            return Files.createDirectory(dir);
        } catch (IOException e) {
            throw AtomicFiles.failure("create the directory", dir, e);
        }
    }

    /** Removes this run's directory, and the staging root if nothing else is in it. */
    @Override
    public synchronized void close() {
        closed = true;
        if (run != null) {
            deleteRun(run);
            runLock.close();
        }
        try {
            Files.deleteIfExists(stagingRoot);
        } catch (IOException e) {
            // Not empty: another generation is staging there.
        }
    }

    /**
     * Deletes a run's directory, its lock file last: a removal cut short (kill -9) leaves a directory
     * whose lock file a later run can take and finish the removal, never one without a lock file.
     */
    private static void deleteRun(Path run) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(run)) {
            for (Path p : s) {
                if (!p.getFileName().toString().equals(RUN_LOCK)) {
                    DirectoryTrees.delete(p);
                }
            }
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            Log.log.warn("could not list staging directory {}: {}", run, e.toString());
        }
        DirectoryTrees.delete(run);
    }
}
