package io.ivfsp.compile;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cancellation signal shared by one generation and its compile jobs. Backends register what must
 * happen on cancellation (killing an ATC process); a callback registered after cancellation runs at
 * once. Callbacks run one after another in the cancelling thread (a shutdown hook, or the caller of
 * {@code cancel}), so each must signal and return, never wait: the job's own thread waits for its
 * process to go.
 */
public final class Cancellation {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(Cancellation.class);
    }

    private final List<Runnable> callbacks = new CopyOnWriteArrayList<>();
    private volatile boolean cancelled;

    /** A signal that is never raised unless {@link #cancel()} is called. */
    public Cancellation() {
    }

    /** Whether {@link #cancel()} was called. */
    public boolean isCancelled() {
        return cancelled;
    }

    /** Raises the signal and runs every registered callback once, in this thread. Idempotent. */
    public void cancel() {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            cancelled = true;
        }
        // No callback is added once cancelled; the list iterates over a snapshot, so a registration
        // closed meanwhile does no harm.
        callbacks.forEach(Cancellation::runQuietly);
    }

    /**
     * Registers {@code callback} to run on cancellation; runs it at once if already cancelled.
     *
     * @return a registration whose {@code close()} removes the callback
     */
    public Registration onCancel(Runnable callback) {
        synchronized (this) {
            if (!cancelled) {
                callbacks.add(callback);
                return () -> callbacks.remove(callback);
            }
        }
        runQuietly(callback);
        return () -> { };
    }

    private static void runQuietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            Log.log.warn("cancellation callback failed", e);
        }
    }

    /** Removes a callback; closing twice is harmless. */
    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }
}
