package io.ivfsp.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * Waits for what must happen, with no clock of their own: a busy machine makes them longer, never red.
 * The one hang guard is JUnit's timeout ({@code ivfsp.test.timeout} in the parent pom), which interrupts
 * the test thread; every wait here answers that interrupt, and a wait on a child process kills the child
 * and its descendants first, so that an interrupted test leaves nothing running.
 */
public final class Waits {

    private Waits() {
    }

    /**
     * Waits until {@code condition} holds, checking every 20 ms.
     *
     * @return the time it took, in milliseconds
     * @throws InterruptedException naming {@code what}, when the test's timeout interrupts the wait
     */
    public static long until(String what, BooleanSupplier condition) throws InterruptedException {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                InterruptedException named = new InterruptedException("interrupted while waiting until " + what);
                named.initCause(e);
                throw named;
            }
        }
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    }

    /** Waits until {@code p} has ended and returns its exit status; if interrupted, kills it and its descendants. */
    public static int exit(Process p) throws InterruptedException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            kill(p.toHandle());
            throw e;
        }
    }

    /** Waits until the process {@code h} has ended (a zombie has not: its parent has not reaped it). */
    public static void gone(ProcessHandle h) throws InterruptedException {
        try {
            h.onExit().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("onExit of " + h.pid() + " failed", e);
        }
    }

    /** What a finished process printed on its standard output, and its exit status. */
    public record Finished(int exit, String out) {
    }

    /**
     * Starts {@code pb} with its standard output in a temporary file (set {@code redirectErrorStream}
     * to have the errors in it too), waits until the process has ended, and returns what it printed. A
     * file, not a pipe: reading a pipe blocks where no interrupt reaches, for as long as the child (or
     * anything it left behind) holds it open.
     */
    public static Finished run(ProcessBuilder pb) throws IOException, InterruptedException {
        Path out = Files.createTempFile("ivfsp-test-", ".out");
        try {
            int exit = exit(pb.redirectOutput(out.toFile()).start());
            return new Finished(exit, Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Code to run that may throw anything, an assertion included. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code call} on a daemon thread of its own and waits for its result, with no clock: for calls
     * that, when the code is broken, block in a system call that no interrupt ends (opening a FIFO). Then
     * the test's timeout interrupts this wait and the test fails; the blocked thread is left behind, a
     * daemon that holds no JVM up. What {@code call} throws is thrown here.
     */
    public static <T> T onItsOwnThread(String what, Callable<T> call) throws Exception {
        FutureTask<T> task = new FutureTask<>(call);
        Thread thread = new Thread(task, what);
        thread.setDaemon(true);
        thread.start();
        try {
            return task.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception x) {
                throw x;
            }
            if (e.getCause() instanceof Error x) {
                throw x;
            }
            throw e;
        } catch (InterruptedException e) {
            thread.interrupt();
            InterruptedException named = new InterruptedException("interrupted while waiting for " + what);
            named.initCause(e);
            throw named;
        }
    }

    /** {@link #onItsOwnThread} for code that returns nothing. */
    public static void runOnItsOwnThread(String what, Action action) throws Exception {
        onItsOwnThread(what, () -> {
            action.run();
            return null;
        });
    }

    /** Kills {@code h} and every descendant it has now. */
    public static void kill(ProcessHandle h) {
        h.descendants().forEach(ProcessHandle::destroyForcibly);
        h.destroyForcibly();
    }
}
