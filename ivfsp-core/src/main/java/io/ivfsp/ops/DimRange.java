package io.ivfsp.ops;

import java.util.Objects;

/**
 * The range a dynamic dimension ({@code -1}) may take: {@code [min, max]}, where {@code max = -1}
 * means unbounded.
 */
public record DimRange(long min, long max) {

    /** {@code [1, -1]}: at least one, no upper bound. The only range IVFSP uses. */
    public static final DimRange AT_LEAST_ONE = new DimRange(1, -1);

    /**
     * @throws IllegalArgumentException if min is negative, or max is neither -1 nor at least min
     */
    public DimRange {
        if (min < 0) {
            throw new IllegalArgumentException("range minimum must not be negative: " + min);
        }
        if (max != -1 && max < min) {
            throw new IllegalArgumentException("range maximum must be -1 or at least " + min + ": " + max);
        }
    }

    // Written out: a record's generated equals and hashCode link through an invokedynamic bootstrap, which
    // costs milliseconds on first use in a fresh JVM, and a warm generate() uses these as map keys.
    @Override
    public boolean equals(Object other) {
        return other == this || (other instanceof DimRange o && min == o.min && max == o.max);
    }

    @Override
    public int hashCode() {
        return Objects.hash(min, max);
    }
}
