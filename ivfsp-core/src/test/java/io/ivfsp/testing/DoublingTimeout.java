package io.ivfsp.testing;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Timeouts for the tests of a timeout. Such a test needs the timeout to strike only after the fixture
 * has set itself up (recorded its processes, let the other jobs finish), and a fixed timeout long enough
 * for a busy machine makes every run wait that long. Here the test runs with a short timeout, and
 * again with twice as long, with no upper limit, until a run was fair to the code under test: a slow
 * machine makes the test longer, never red. The hang guard is JUnit's timeout (10 minutes: 2 s doubled
 * up to 256 s sums to 510 s), which interrupts the attempt.
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
     * Runs {@code attempt} under {@code first}, then twice as long each time until {@code fair} says the
     * run was fair; returns the fair run. {@code fair} must judge the run it is given alone (what that
     * attempt recorded), never what earlier attempts left behind.
     */
    public static <T> Run<T> until(Duration first, Predicate<T> fair, Attempt<T> attempt) throws Exception {
        for (Duration timeout = first; ; timeout = timeout.multipliedBy(2)) {
            T result = attempt.run(timeout);
            if (fair.test(result)) {
                return new Run<>(result, timeout);
            }
        }
    }
}
