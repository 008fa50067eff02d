package io.ivfsp.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Timeouts for the tests of a timeout. Such a test needs the timeout to strike only after the fixture
 * has set itself up (recorded its processes, let the other jobs finish), and a fixed timeout long enough
 * for a busy machine makes every run wait that long. Here the test runs with a short timeout, and
 * again with twice as long while the run was not fair to the code under test, up to a generous last
 * timeout whose run is taken as it is: a slow machine makes the test longer, never red.
 */
public final class DoublingTimeout {

    /** One run of the test under a timeout. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(Duration timeout) throws Exception;
    }

    /** What a run gave, and the timeout it ran under. */
    public record Run<T>(T result, Duration timeout) {
    }

    private DoublingTimeout() {
    }

    /**
     * Runs {@code attempt} under {@code first}, then twice as long each time {@code fair} says no, up to
     * {@code last} (whose run is returned whatever it gave).
     */
    public static <T> Run<T> until(Duration first, Duration last, Predicate<T> fair, Attempt<T> attempt)
            throws Exception {
        for (Duration t = first; ; t = t.multipliedBy(2)) {
            Duration timeout = t.compareTo(last) < 0 ? t : last;
            T result = attempt.run(timeout);
            if (timeout.equals(last) || fair.test(result)) {
                return new Run<>(result, timeout);
            }
        }
    }
}
