package io.ivfsp.store;

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
    /** The longest call recorded, in seconds (as the registry's compile times). */
    public static final double MAX_SECONDS = 1e6;

    public SharedCall {
        if (ops < 2 || ops > MAX_OPS) {
            throw new IllegalArgumentException("a shared call's ops must be 2.." + MAX_OPS + ": " + ops);
        }
        if (!(millionElements >= 0) || Double.isInfinite(millionElements)) {
            throw new IllegalArgumentException("a shared call's elements must be finite and not negative: "
                    + millionElements);
        }
        if (!(seconds > 0) || seconds > MAX_SECONDS) {
            throw new IllegalArgumentException("a shared call's seconds must be in (0, " + MAX_SECONDS + "]: " + seconds);
        }
    }
}
