package io.ivfsp.store;

import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** What the store tests plant where the store's files go. */
final class StoreTesting {

    private StoreTesting() {
    }

    /** Creates a FIFO (named pipe) at {@code path}: opening it for reading blocks until a writer comes. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (Waits.exit(p) != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }

    /** What this JVM's open descriptors name (Linux: /proc/self/fd); a deleted file's name ends " (deleted)". */
    static List<String> openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";  // the descriptor of this listing, closed meanwhile
                }
            }).toList();
        }
    }

    /**
     * A second thread asking for the lock on {@code file}, returned once it is queued behind the holder (the
     * cancellation check is polled only while waiting); completes with the lock when it gets it.
     */
    static java.util.concurrent.CompletableFuture<FileLocks.HeldLock> queuedWaiter(Path file) throws InterruptedException {
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CompletableFuture<FileLocks.HeldLock> waiter = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return FileLocks.acquire(file, () -> {
                    waiting.countDown();
                    return false;
                }, true).orElseThrow();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        waiting.await();
        return waiter;
    }
}
