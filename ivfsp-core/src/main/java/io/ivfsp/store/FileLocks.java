package io.ivfsp.store;

import io.ivfsp.files.NotARegularFileException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Locks on files, across the threads of this JVM and across processes. A lock file is created with
 * {@code CREATE_NEW} and opened only once {@code lstat} says it is a regular file, never through a
 * link: a link planted in its place cannot make the store create or open anything elsewhere, and a
 * FIFO cannot block it.
 *
 * <p>The OS lock ({@code fcntl}) belongs to the process and is dropped when the process closes any
 * descriptor of the file, whichever one took it. So this JVM knows each lock file by its identity
 * (device and inode), not by the path it was named by: two spellings of one file (a link to the root,
 * a renamed directory) share one permit and one set of descriptors, and a descriptor is closed only when
 * no thread of this JVM holds or waits for a lock on that file.
 */
final class FileLocks {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(FileLocks.class);
    }

    /** How long a wait for another process's lock stays silent before one warning names the lock. */
    static final long WARN_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Whether this JVM keeps anything for {@code lockFile}: only while a thread holds or waits for it. */
    static boolean isTracked(Path lockFile) throws IOException {
        return LockTable.isTracked(lockFile);
    }

    /** For a wait that only ends when the lock is had (or the thread is interrupted). */
    static final BooleanSupplier NOT_CANCELLED = () -> false;

    /** How many times a lock file that was replaced or removed under a new holder is locked again. */
    private static final int MAX_ATTEMPTS = 8;

    private FileLocks() {
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
        return acquire(lockFile, cancelled, wait, true);
    }

    /**
     * Tries once, without waiting, to take the lock of an existing lock file, and never creates one: for
     * judging whether the run that made it is alive.
     *
     * @return the lock, or empty while another thread or process holds it
     * @throws java.nio.file.NoSuchFileException if there is no file (any more) at {@code lockFile}
     * @throws NotARegularFileException          if something other than a regular file is in its place
     */
    static Optional<HeldLock> tryExisting(Path lockFile) throws IOException {
        return acquire(lockFile, NOT_CANCELLED, false, false);  // not waiting: never asked
    }

    private static Optional<HeldLock> acquire(Path lockFile, BooleanSupplier cancelled, boolean wait, boolean create)
            throws IOException {
        Path path = lockFile.toAbsolutePath().normalize();
        for (int attempt = 1; ; attempt++) {
            Optional<HeldLock> held = acquireOnce(path, cancelled, wait, create);
            if (held != null) {
                return held;
            }
            if (attempt == MAX_ATTEMPTS) {
                throw new IOException("the lock file " + path + " was replaced or removed each time it was locked ("
                        + MAX_ATTEMPTS + " times)");
            }
        }
    }

    /** One try; null when the lock was taken on a file that its path no longer names (then it is released). */
    private static Optional<HeldLock> acquireOnce(Path path, BooleanSupplier cancelled, boolean wait, boolean create)
            throws IOException {
        LockTable.Opened opened = LockTable.open(path, create);
        LockTable.Inode jvm = opened.inode();
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
                FileLock lock = tryLock(opened.channel(), path);
                if (lock != null) {
                    if (!LockTable.names(path, opened.id())) {
                        // Removed (a finished run's) or replaced while this thread waited: lock what is there now.
                        lock.release();
                        return null;
                    }
                    handedOver = true;
                    return Optional.of(new HeldLock(path, opened.id(), jvm, lock));
                }
                if (!wait || cancelled.getAsBoolean()) {
                    return Optional.empty();
                }
                if (!warned && System.nanoTime() - since >= WARN_AFTER_NANOS) {
                    warned = true;
                    Log.log.warn("waiting for the lock {}: another process (another generator on the same output root)"
                            + " holds it; still waiting until it ends or releases it", path);
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
                LockTable.leave(opened.id());
            }
        }
    }

    /** The OS lock through {@code channel}, whose JVM permit the caller holds, or null when another process holds it. */
    private static FileLock tryLock(FileChannel channel, Path path) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Only the permit holder locks, through the one channel: another copy of this class (another class
            // loader) holds it. Never close anything here: that would drop its lock.
            throw new IOException("the lock " + path + " is held in this JVM outside ivfsp's lock table"
                    + " (is ivfsp loaded twice?)", e);
        }
    }

    /** A lock held in this JVM and, through the OS, across processes. */
    static final class HeldLock implements AutoCloseable {
        private final Path path;
        private final Object id;
        private final LockTable.Inode jvm;
        private final FileLock lock;
        private boolean released;

        private HeldLock(Path path, Object id, LockTable.Inode jvm, FileLock lock) {
            this.path = path;
            this.id = id;
            this.jvm = jvm;
            this.lock = lock;
        }

        /**
         * The same lock, known by the path its file has after its directory was renamed: the file, and so
         * the lock, is the same.
         */
        synchronized HeldLock movedTo(Path moved) {
            if (released) {
                throw new IllegalStateException("the lock " + path + " was released");
            }
            released = true;
            return new HeldLock(moved.toAbsolutePath().normalize(), id, jvm, lock);
        }

        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            try {
                lock.release();
            } catch (IOException e) {
                Log.log.warn("could not release lock {}: {}", path, e.toString());
            } finally {
                jvm.permit.release();
                LockTable.leave(id);
            }
        }
    }
}
