package io.ivfsp.store;

import java.util.Optional;

/**
 * A compiler call that compiled several jobs' ops together, as a whole: what later runs fit the start-up
 * of a call to (one call's time cannot be split among its jobs without knowing that start-up).
 *
 * @param ops             its ops, at least 2
 * @param millionElements its tensor elements, in millions
 * @param seconds         how long it took
 * @throws IllegalArgumentException if a value is out of range
 */
public record SharedCall(int ops, double millionElements, double seconds) {
    /** The most ops a call is recorded with. */
    public static final int MAX_OPS = 100_000;
    /** The most tensor elements per op, in millions: far above any op of the catalog (50). */
    public static final double MAX_MILLION_ELEMENTS_PER_OP = 10_000;
    /** The shortest call recorded, in seconds: a shorter one is no measurement of a compiler's costs. */
    public static final double MIN_SECONDS = 1e-3;

    public SharedCall {
        if (ops < 2 || ops > MAX_OPS) {
            throw new IllegalArgumentException("a shared call's ops must be 2.." + MAX_OPS + ": " + ops);
        }
        if (!(millionElements >= 0) || millionElements > ops * MAX_MILLION_ELEMENTS_PER_OP) {
            throw new IllegalArgumentException("a shared call's million elements must be 0.." + MAX_MILLION_ELEMENTS_PER_OP
                    + " per op: " + millionElements);
        }
        if (!(seconds >= MIN_SECONDS) || seconds > Manifest.MAX_COMPILE_SECONDS) {
            throw new IllegalArgumentException("a shared call's seconds must be " + MIN_SECONDS + ".."
                    + Manifest.MAX_COMPILE_SECONDS + ": "
                    + seconds);
        }
    }

    /** The call, or empty when a value is outside the ranges a manifest keeps. */
    public static Optional<SharedCall> within(int ops, double millionElements, double seconds) {
        try {
            return Optional.of(new SharedCall(ops, millionElements, seconds));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
