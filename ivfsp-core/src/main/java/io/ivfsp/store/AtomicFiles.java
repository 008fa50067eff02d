package io.ivfsp.store;

import io.ivfsp.files.FileTooLargeException;
import io.ivfsp.files.RegularFiles;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes, moves and new directories of the store, each failure reported with the file or directory
 * being written and the space left on its file system (the usual reason a write fails in the middle of a run is a full disk).
 */
final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Whether {@code p} is a regular file holding exactly {@code bytes}; false if it cannot be read. */
    static boolean hasContent(Path p, byte[] bytes) {
        try {
            return Arrays.equals(RegularFiles.read(p, bytes.length), bytes);
        } catch (FileTooLargeException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /** Writes {@code content} to a new file {@code tmp} (which must not exist, link or not). */
    static void writeNew(Path tmp, byte[] content) throws IOException {
        try {
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw failure("write", tmp, e);
        }
    }

    /**
     * Creates the directory {@code dir} (mkdir: does not follow a link in the last component).
     *
     * @throws java.nio.file.FileAlreadyExistsException if something is there already, as {@link Files#createDirectory} does
     * @throws IOException naming the directory and the space left, if it cannot be created
     */
    static Path createDirectory(Path dir) throws IOException {
        try {
            return Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw e;
        } catch (IOException e) {
            throw failure("create the directory", dir, e);
        }
    }

    /** {@link Files#createDirectories}, a failure naming the directory and the space left. */
    static void createDirectories(Path dir) throws IOException {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw failure("create the directory", dir, e);
        }
    }

    /** Moves {@code src} onto {@code target} atomically, replacing it; both on one file system. */
    static void move(Path src, Path target) throws IOException {
        try {
            Files.move(src, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot move " + src + " to " + target + " atomically (different file systems?)", e);
        } catch (IOException e) {
            throw failure("move into place", target, e);
        }
    }

    /** The failure of writing {@code target}, naming it and the space left where it goes. */
    static IOException failure(String what, Path target, IOException cause) {
        if (cause.getMessage() != null && cause.getMessage().contains("bytes free on")) {
            return cause;  // already described
        }
        return new IOException("cannot " + what + " " + target + ": " + cause.getMessage() + " (" + spaceLeft(target) + ")",
                cause);
    }

    /** The usable space of the file system holding {@code path}, in words. */
    static String spaceLeft(Path path) {
        Path p = path.toAbsolutePath();
        while (p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            p = p.getParent();
        }
        if (p == null) {
            return "space left unknown";
        }
        try {
            FileStore store = Files.getFileStore(p);
            long free = store.getUsableSpace();
            return free + " bytes free on " + store.name() + " (" + String.format(java.util.Locale.ROOT, "%.1f MiB", free / 1048576.0) + ")";
        } catch (IOException e) {
            return "space left unknown: " + e.getMessage();
        }
    }
}
