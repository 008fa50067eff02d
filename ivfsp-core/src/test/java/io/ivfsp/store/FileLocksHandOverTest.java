package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A wait given up leaves the lock to the next waiter of this JVM, and an interrupted wait keeps the
 * thread's interrupt for its caller.
 */
class FileLocksHandOverTest {

    @TempDir
    Path dir;

    private static Optional<FileLocks.HeldLock> acquire(Path file, BooleanSupplier cancelled) {
        try {
            return FileLocks.acquire(file, cancelled, true);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aWaitCancelledWhileAnotherProcessHoldsTheLockLetsTheNextWaiterOfThisJvmHaveIt() throws Exception {
        Path file = Files.createFile(dir.resolve("job.lock"));
        // Another process holds the lock (an fcntl lock, as the JVM's FileLock) until its input ends.
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, os, sys\n"
                + "f = os.open(sys.argv[1], os.O_RDWR)\n"
                + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "print('held', flush=True)\n"
                + "sys.stdin.read()\n", file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ExecutorService waiters = Executors.newFixedThreadPool(2);  // both block: not the common pool, which may have one thread
        try {
            // On a thread of its own: a pipe read is out of reach of the test's interrupt (then the holder is killed).
            assertThat(Waits.onItsOwnThread("the holder took the lock",
                    () -> new String(holder.getInputStream().readNBytes(4), StandardCharsets.UTF_8))).isEqualTo("held");
            AtomicBoolean firstGivesUp = new AtomicBoolean();
            CountDownLatch firstPolls = new CountDownLatch(1);
            CountDownLatch secondQueues = new CountDownLatch(1);
            // The first waiter takes this JVM's turn and polls the OS lock (its cancellation is asked only then).
            CompletableFuture<Optional<FileLocks.HeldLock>> first = CompletableFuture.supplyAsync(() -> acquire(file, () -> {
                firstPolls.countDown();
                return firstGivesUp.get();
            }), waiters);
            firstPolls.await();
            // The second queues behind it for this JVM's turn (its cancellation is asked while it waits for that turn).
            CompletableFuture<Optional<FileLocks.HeldLock>> second = CompletableFuture.supplyAsync(() -> acquire(file, () -> {
                secondQueues.countDown();
                return false;
            }), waiters);
            secondQueues.await();

            firstGivesUp.set(true);
            assertThat(first.get()).as("cancelled").isEmpty();
            holder.getOutputStream().close();

            try (FileLocks.HeldLock held = second.get().orElseThrow()) {
                assertThat(FileLocks.isTracked(file)).isTrue();
            }
            assertThat(FileLocks.isTracked(file)).isFalse();
        } finally {
            waiters.shutdownNow();
            holder.destroyForcibly();
            holder.waitFor();
        }
    }

    @Test
    void anInterruptedWaitEndsEmptyAndKeepsTheInterrupt() throws IOException {
        Path file = dir.resolve("job.lock");
        try (FileLocks.HeldLock held = FileLocks.acquire(file, () -> false, false).orElseThrow()) {
            Thread.currentThread().interrupt();
            try {
                assertThat(FileLocks.acquire(file, () -> false, true)).isEmpty();
                assertThat(Thread.currentThread().isInterrupted()).as("the interrupt is kept for the caller").isTrue();
            } finally {
                Thread.interrupted();
            }
        }
        assertThat(FileLocks.isTracked(file)).isFalse();
    }
}
