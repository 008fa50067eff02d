package io.ivfsp.store;

import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks on files, across the threads of this JVM and across processes. A lock file is created with
 * {@code CREATE_NEW} and opened only once {@code lstat} says it is a regular file, never through a
 * link: a link planted in its place cannot make the store create or open anything elsewhere, and a
 * FIFO cannot block it.
 */
final class FileLocks {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(FileLocks.class);
    }

    /** How long a wait for another process's lock stays silent before one warning names the lock. */
    static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);

    /**
     * One permit per lock file for this JVM (FileLock alone cannot exclude two threads of one process),
     * with the number of threads holding or waiting for it: the entry goes when the last one leaves, so a
     * long-lived service does not keep one per lock file it ever used.
     */
    private static final ConcurrentHashMap<Path, JvmLock> JVM_LOCKS = new ConcurrentHashMap<>();

    private static final class JvmLock {
        final Semaphore permit = new Semaphore(1);
        int users;
    }

    private FileLocks() {
    }

    /** Whether this JVM keeps anything for {@code lockFile}: only while a thread holds or waits for it. */
    static boolean isTracked(Path lockFile) {
        return JVM_LOCKS.containsKey(key(lockFile));
    }

    private static Path key(Path lockFile) {
        return lockFile.toAbsolutePath().normalize();
    }

    private static JvmLock enter(Path key) {
        return JVM_LOCKS.compute(key, (k, l) -> {
            JvmLock lock = l == null ? new JvmLock() : l;
            lock.users++;
            return lock;
        });
    }

    private static void leave(Path key) {
        JVM_LOCKS.computeIfPresent(key, (k, l) -> --l.users == 0 ? null : l);
    }

    /**
     * Takes the lock of {@code lockFile} for this JVM and across processes, creating the file if needed.
     *
     * @param cancelled polled while waiting; when it answers true the wait ends empty
     * @param wait      whether to wait while another holds it
     * @return the lock, or empty when not waiting and it is held, or the wait was cancelled or interrupted
     * @throws NotARegularFileException if something other than a regular file is in its place
     * @throws IOException              if it cannot be created or opened
     */
    static Optional<HeldLock> acquire(Path lockFile, BooleanSupplier cancelled, boolean wait) throws IOException {
        Path key = key(lockFile);
        JvmLock jvm = enter(key);
        boolean permit = false;
        boolean handedOver = false;
        try {
            // This JVM first: block on the permit (waking to check for cancellation) without polling.
            while (!(permit = jvm.permit.tryAcquire(wait ? 50 : 0, TimeUnit.MILLISECONDS))) {
                if (!wait || cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
            }
            // Then other processes: the OS gives no wake-up, so poll with a growing pause.
            long pause = 5;
            long since = System.nanoTime();
            boolean warned = false;
            while (true) {
                Optional<HeldLock> held = tryLockFile(key, jvm);
                if (held.isPresent()) {
                    handedOver = true;
                    return held;
                }
                if (!wait || cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
                if (!warned && System.nanoTime() - since >= WARN_AFTER_NANOS) {
                    warned = true;
                    Log.log.warn("waiting for the lock {}: another process (another generator on the same output root)"
                            + " holds it; still waiting until it ends or releases it", key);
                }
                Thread.sleep(pause);
                pause = Math.min(pause * 2, 100);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } finally {
            if (!handedOver) {
                if (permit) {
                    jvm.permit.release();
                }
                leave(key);
            }
        }
    }

    /** The OS lock of a file whose JVM permit the caller holds, or empty when another process holds it. */
    private static Optional<HeldLock> tryLockFile(Path key, JvmLock jvm) throws IOException {
        FileChannel channel = openLockFile(key);
        try {
            FileLock lock = channel.tryLock();
            if (lock != null) {
                return Optional.of(new HeldLock(key, jvm, channel, lock));
            }
        } catch (OverlappingFileLockException e) {
            // Cannot happen while the permit is held; treat as held elsewhere.
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        channel.close();
        return Optional.empty();
    }

    /**
     * Opens a lock file: created new if absent, else checked to be a regular file before it is opened,
     * read-write (which, unlike write-only, cannot block even if a FIFO were swapped in) and without
     * following a link, then checked to be the same file.
     */
    private static FileChannel openLockFile(Path path) throws IOException {
        if (RegularFiles.lstat(path).isEmpty()) {
            try {
                return FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                // Another thread or process created it just now (or planted something): checked below.
            }
        }
        BasicFileAttributes checked = RegularFiles.requireRegular(path);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        try {
            if (!Objects.equals(checked.fileKey(), RegularFiles.requireRegular(path).fileKey())) {
                throw new IOException(path + " was replaced while it was being opened");
            }
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** A lock held in this JVM and, through the OS, across processes. */
    static final class HeldLock implements AutoCloseable {
        private final Path key;
        private final JvmLock jvm;
        private final FileChannel channel;
        private final FileLock lock;
        private boolean released;

        private HeldLock(Path key, JvmLock jvm, FileChannel channel, FileLock lock) {
            this.key = key;
            this.jvm = jvm;
            this.channel = channel;
            this.lock = lock;
        }

        /**
         * The same lock, known by the path its file has after its directory was renamed.
         *
         * @throws IllegalStateException if the new path is already locked in this JVM
         */
        synchronized HeldLock movedTo(Path path) {
            Path moved = key(path);
            JvmLock target = enter(moved);
            if (!target.permit.tryAcquire()) {
                leave(moved);
                throw new IllegalStateException("a fresh run directory is already locked: " + moved);
            }
            released = true;
            jvm.permit.release();
            leave(key);
            return new HeldLock(moved, target, channel, lock);
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
                Log.log.warn("could not release lock {}: {}", key, e.toString());
            } finally {
                jvm.permit.release();
                leave(key);
            }
        }
    }
}
