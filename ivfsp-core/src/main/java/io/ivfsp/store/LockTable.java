package io.ivfsp.store;

import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This JVM's lock files, by identity (device and inode), for {@link FileLocks}: the permit each needs
 * before its OS lock is tried, the threads holding or waiting for it, and the descriptors this JVM opened
 * on it. The OS lock ({@code fcntl}) belongs to the process and is dropped when the process closes any
 * descriptor of the file, whichever one took it; so a descriptor is closed only when no thread of this
 * JVM holds or waits for that file, atomically with forgetting it, and one of unknown identity never.
 */
final class LockTable {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(FileLocks.class);
    }

    private LockTable() {
    }

    /**
     * Per lock file (by identity) in this JVM: one permit (FileLock alone cannot exclude two threads of
     * one process), the number of threads holding or waiting for it, and every descriptor opened on it.
     * The entry, and its descriptors, go when the last thread leaves, so a long-lived service does not keep
     * one per lock file it ever used.
     */
    private static final ConcurrentHashMap<Object, Inode> ENTRIES = new ConcurrentHashMap<>();

    static final class Inode {
        final Semaphore permit = new Semaphore(1);
        int users;
        /** The descriptor locked, opened and checked to be of this file. Guarded by this object. */
        FileChannel channel;
        /** Other descriptors of this file (one that created it): closed with the entry. Guarded by this object. */
        final List<FileChannel> spare = new ArrayList<>(0);
    }

    /**
     * Descriptors opened while the file at their path was being replaced (by something other than
     * ivfsp): of unknown identity, so never closed, since closing one could drop the lock another thread
     * holds on whatever file it is.
     */
    private static final List<FileChannel> QUARANTINE = java.util.Collections.synchronizedList(new ArrayList<>());

    /** Whether this JVM keeps anything for {@code lockFile}: only while a thread holds or waits for it. */
    static boolean isTracked(Path lockFile) throws IOException {
        Optional<BasicFileAttributes> a = RegularFiles.lstat(lockFile);
        return a.isPresent() && a.get().fileKey() != null && ENTRIES.containsKey(a.get().fileKey());
    }

    private static Inode enter(Object id) {
        return ENTRIES.compute(id, (k, l) -> {
            Inode inode = l == null ? new Inode() : l;
            inode.users++;
            return inode;
        });
    }

    /** Leaves the file; the last one out closes this JVM's descriptors of it, atomically with forgetting it. */
    static void leave(Object id) {
        ENTRIES.computeIfPresent(id, (k, l) -> {
            if (--l.users > 0) {
                return l;
            }
            synchronized (l) {
                if (l.channel != null) {
                    l.spare.add(l.channel);
                    l.channel = null;
                }
                for (FileChannel c : l.spare) {
                    try {
                        c.close();
                    } catch (IOException e) {
                        Log.log.warn("could not close a lock file: {}", e.toString());
                    }
                }
            }
            return null;
        });
    }

    /** The entry of a lock file this thread has entered, and the descriptor to lock it through. */
    record Opened(Object id, Inode inode, FileChannel channel) {
    }

    /**
     * Enters the entry of the lock file at {@code path} (created new if absent and {@code create}) and
     * finds, or opens, this JVM's descriptor of it. A descriptor is opened only after {@code lstat} says a
     * regular file is there, without following a link, and read-write (which, unlike write-only, cannot block
     * even if a FIFO were swapped in); every one opened is kept with the entry until its last user leaves.
     */
    static Opened open(Path path, boolean create) throws IOException {
        FileChannel created = null;
        if (create && RegularFiles.lstat(path).isEmpty()) {
            try {
                created = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                        StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            } catch (FileAlreadyExistsException e) {
                // Another thread or process created it just now (or planted something): checked below.
            }
        }
        BasicFileAttributes checked;
        try {
            checked = RegularFiles.requireRegular(path);
        } catch (IOException | RuntimeException e) {
            if (created != null) {
                QUARANTINE.add(created);
            }
            throw e;
        }
        Object id = checked.fileKey() != null ? checked.fileKey() : path;
        Inode inode = enter(id);
        boolean entered = true;
        try {
            synchronized (inode) {
                if (created != null) {
                    // Probably of this file, but not known to be: never locked through, closed with the entry.
                    inode.spare.add(created);
                    created = null;
                }
                if (inode.channel == null) {
                    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                            LinkOption.NOFOLLOW_LINKS);
                    boolean same = false;
                    try {
                        same = Objects.equals(checked.fileKey(), RegularFiles.requireRegular(path).fileKey());
                    } finally {
                        if (!same) {
                            QUARANTINE.add(ch);
                        }
                    }
                    if (!same) {
                        throw new IOException(path + " was replaced while it was being opened");
                    }
                    inode.channel = ch;
                }
                entered = false;
                return new Opened(id, inode, inode.channel);
            }
        } finally {
            if (entered) {
                leave(id);
            }
        }
    }

    /** Whether {@code path} still names the regular file {@code id} (always, where files have no key). */
    static boolean names(Path path, Object id) throws IOException {
        Optional<BasicFileAttributes> now = RegularFiles.lstat(path);
        if (now.isEmpty() || !now.get().isRegularFile()) {
            return false;
        }
        return now.get().fileKey() == null || now.get().fileKey().equals(id);
    }
}
