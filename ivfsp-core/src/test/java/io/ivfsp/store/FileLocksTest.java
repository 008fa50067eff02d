package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.api.io.TempDir;

class FileLocksTest {

    @TempDir
    Path dir;

    @Test
    void aLockFileIsForgottenByTheJvmWhenItsLastHolderLeaves() throws IOException {
        for (int i = 0; i < 200; i++) {
            Path file = dir.resolve("job-" + i + ".lock");
            try (FileLocks.HeldLock lock = FileLocks.acquire(file, () -> false, true).orElseThrow()) {
                assertThat(FileLocks.isTracked(file)).isTrue();
            }
            assertThat(FileLocks.isTracked(file)).as("entry of %s after release", file).isFalse();
        }
    }

    @Test
    void aWaiterKeepsTheEntryUntilItHasHeldAndReleasedTheLock() throws Exception {
        Path file = dir.resolve("shared.lock");
        FileLocks.HeldLock first = FileLocks.acquire(file, () -> false, true).orElseThrow();
        CompletableFuture<FileLocks.HeldLock> second = StoreTesting.queuedWaiter(file);

        first.close();
        FileLocks.HeldLock held = second.get();
        assertThat(FileLocks.isTracked(file)).as("held by the second thread").isTrue();
        held.close();

        assertThat(FileLocks.isTracked(file)).isFalse();
    }

    @Test
    void releasingTheLastHoldClosesEveryDescriptorThisJvmOpenedOnTheLockFile() throws IOException {
        Path file = dir.resolve("job.lock");  // created by this acquire: one descriptor creates it, one locks it
        String name;
        try (FileLocks.HeldLock lock = FileLocks.acquire(file, FileLocks.NOT_CANCELLED, true).orElseThrow()) {
            name = file.toRealPath().toString();
            assertThat(StoreTesting.openFiles()).as("open while held").contains(name);
        }
        assertThat(StoreTesting.openFiles()).doesNotContain(name);
    }

    @Test
    void aWaiterWhoseLockFileWasReplacedWhileItWaitedLocksTheFileNowAtThePath() throws Exception {
        Path file = dir.resolve("job.lock");
        FileLocks.HeldLock first = FileLocks.acquire(file, FileLocks.NOT_CANCELLED, true).orElseThrow();
        CompletableFuture<FileLocks.HeldLock> second = StoreTesting.queuedWaiter(file);
        // Replaced by a rename while the second waits for the first (as by a process that takes no lock of ivfsp).
        Path next = Files.createFile(dir.resolve("next"));
        Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);

        first.close();
        try (FileLocks.HeldLock held = second.get()) {
            assertThat(FileLocks.isTracked(file)).as("the lock of the file now at the path").isTrue();
        }
        assertThat(FileLocks.isTracked(file)).isFalse();
    }

    @Test
    void aLockNotTakenLeavesNoEntry() throws IOException {
        Path file = dir.resolve("busy.lock");
        try (FileLocks.HeldLock lock = FileLocks.acquire(file, () -> false, true).orElseThrow()) {
            Optional<FileLocks.HeldLock> other = FileLocks.acquire(file, () -> true, false);
            assertThat(other).isEmpty();
        }
        assertThat(FileLocks.isTracked(file)).isFalse();
    }

    @Test
    void aDanglingLinkInPlaceOfALockFileIsRefusedAndNothingIsCreatedWhereItPoints() throws IOException {
        Path outside = dir.resolve("outside");
        Path link = Files.createSymbolicLink(dir.resolve("job.lock"), outside);

        assertThatThrownBy(() -> FileLocks.acquire(link, () -> false, true))
                .isInstanceOf(NotARegularFileException.class).hasMessageContaining(link.toString())
                .hasMessageContaining("symbolic link");

        assertThat(outside).doesNotExist();
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(FileLocks.isTracked(link)).isFalse();
    }

    @Test
    void aLinkToAnExistingFileIsRefusedAndTheFileIsNotLocked() throws IOException {
        Path target = Files.writeString(dir.resolve("precious"), "precious");
        Path link = Files.createSymbolicLink(dir.resolve("job.lock"), target);

        assertThatThrownBy(() -> FileLocks.acquire(link, () -> false, true)).isInstanceOf(NotARegularFileException.class);

        assertThat(target).hasContent("precious");
    }

    @Test
    void aFifoOrDirectoryInPlaceOfALockFileIsRefusedWithoutBlocking() throws Exception {
        Path fifo = StoreTesting.mkfifo(dir.resolve("fifo.lock"));
        Path directory = Files.createDirectory(dir.resolve("dir.lock"));

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        Waits.runOnItsOwnThread("locking a FIFO", () -> {
            assertThatThrownBy(() -> FileLocks.acquire(fifo, () -> false, true))
                    .isInstanceOf(NotARegularFileException.class).hasMessageContaining(fifo.toString());
            assertThatThrownBy(() -> FileLocks.acquire(directory, () -> false, true))
                    .isInstanceOf(NotARegularFileException.class).hasMessageContaining("directory");
        });
        assertThat(Files.isRegularFile(fifo, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void aLockHeldByAnotherProcessIsNamedInOneWarningAndStillAwaited() throws Exception {
        Path file = dir.resolve("manifest-op_models.lock");
        Files.createFile(file);
        // Another process holds the lock (an fcntl lock, as the JVM's FileLock) until its input ends.
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, os, sys\n"
                + "f = os.open(sys.argv[1], os.O_RDWR)\n"
                + "fcntl.lockf(f, fcntl.LOCK_EX)\n"
                + "print('held', flush=True)\n"
                + "sys.stdin.read()\n", file.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        java.io.PrintStream err = System.err;
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        try {
            // On a thread of its own: a pipe read is out of reach of the test's interrupt (then the holder is killed).
            assertThat(Waits.onItsOwnThread("the holder took the lock",
                    () -> new String(holder.getInputStream().readNBytes(4), java.nio.charset.StandardCharsets.UTF_8)))
                    .isEqualTo("held");
            System.setErr(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
            long started = System.nanoTime();
            CompletableFuture<FileLocks.HeldLock> waiter = CompletableFuture.supplyAsync(() -> {
                try {
                    return FileLocks.acquire(file, () -> false, true).orElseThrow();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            String warning = "waiting for the lock " + file.toAbsolutePath().normalize() + ": another process";
            Waits.until("a warning naming the lock", () -> captured.toString(java.nio.charset.StandardCharsets.UTF_8).contains(warning));
            assertThat(System.nanoTime() - started).as("not before the wait lasted WARN_AFTER_NANOS")
                    .isGreaterThanOrEqualTo(FileLocks.WARN_AFTER_NANOS);
            assertThat(waiter).as("still waiting after the warning").isNotDone();

            holder.getOutputStream().close();
            try (FileLocks.HeldLock held = waiter.get()) {
                assertThat(FileLocks.isTracked(file)).isTrue();
            }
            String log = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
            assertThat(log.split(java.util.regex.Pattern.quote(warning), -1)).as(log).hasSize(2);
        } finally {
            System.setErr(err);
            holder.destroyForcibly();
            holder.waitFor();
        }
    }
}
