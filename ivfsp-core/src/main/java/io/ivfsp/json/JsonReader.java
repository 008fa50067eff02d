package io.ivfsp.json;

import java.util.List;
import java.util.Map;

/**
 * Reads JSON text (RFC 8259, strictly) into {@link Map} (key order kept), {@link List},
 * {@link String}, {@link Long} (numbers without fraction or exponent), {@link Double} (other
 * numbers), {@link Boolean} and {@code null}.
 *
 * <p>Anything that is not exactly one JSON value is refused with an {@link InvalidJsonException}
 * naming the offset and the problem: a leading {@code +} or zero ({@code +1}, {@code 007}), a bare
 * {@code .5} or {@code 1.}, a trailing comma, a control character or an invalid escape in a string,
 * an unpaired surrogate, a duplicate key, a number out of range ({@code 1e400}, an integer beyond 64
 * bits), {@code NaN}, comments, a byte-order mark or trailing text. Lists and maps nested deeper
 * than {@link Builder#maxDepth(int)} are refused too; the parser keeps its own stack, so no input
 * can overflow the thread's.
 *
 * <pre>{@code
 * Object v = JsonReader.read("{\"a\": [1, 2.5]}");                      // {a=[1, 2.5]}
 * JsonReader small = JsonReader.builder().maxDepth(8).maxLength(1 << 20).build();
 * Object w = small.parse(text);
 * }</pre>
 */
public final class JsonReader {

    /** Nesting depth {@link #read(String)} and a default builder allow. */
    public static final int DEFAULT_MAX_DEPTH = 64;

    private static final JsonReader DEFAULT = builder().build();

    private final int maxDepth;
    private final int maxLength;

    private JsonReader(Builder b) {
        this.maxDepth = b.maxDepth;
        this.maxLength = b.maxLength;
    }

    /** A builder with depth {@value #DEFAULT_MAX_DEPTH} and no length limit beyond a string's. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Parses one JSON value, nested at most {@value #DEFAULT_MAX_DEPTH} deep.
     *
     * @throws InvalidJsonException naming the offset and the problem, if the text is not valid JSON
     * @throws NullPointerException if text is null
     */
    public static Object read(String text) {
        return DEFAULT.parse(text);
    }

    /** The deepest nesting of lists and maps this reader accepts. */
    public int maxDepth() {
        return maxDepth;
    }

    /** The longest text, in chars, this reader accepts. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Parses one JSON value.
     *
     * @throws InvalidJsonException naming the offset and the problem, if the text is not valid JSON,
     *                              is longer than {@link #maxLength()} or nested deeper than {@link #maxDepth()}
     * @throws NullPointerException if text is null
     */
    public Object parse(String text) {
        if (text.length() > maxLength) {
            throw new InvalidJsonException(maxLength, "text is " + text.length()
                    + " characters long, more than the limit of " + maxLength);
        }
        return new JsonParser(text, maxDepth).document();
    }

    @Override
    public String toString() {
        return "JsonReader{maxDepth=" + maxDepth + ", maxLength=" + maxLength + "}";
    }

    /** Limits of a {@link JsonReader}; {@link #build()} does not change the builder. */
    public static final class Builder {
        private int maxDepth = DEFAULT_MAX_DEPTH;
        private int maxLength = Integer.MAX_VALUE;

        private Builder() {
        }

        /**
         * The deepest nesting of lists and maps accepted; 0 accepts only a string, number,
         * boolean or null.
         *
         * @throws IllegalArgumentException if depth is negative
         */
        public Builder maxDepth(int depth) {
            if (depth < 0) {
                throw new IllegalArgumentException("max depth must not be negative: " + depth);
            }
            this.maxDepth = depth;
            return this;
        }

        /**
         * The longest text accepted, in chars.
         *
         * @throws IllegalArgumentException if length is not positive
         */
        public Builder maxLength(int length) {
            if (length <= 0) {
                throw new IllegalArgumentException("max length must be positive: " + length);
            }
            this.maxLength = length;
            return this;
        }

        /** A reader with these limits. */
        public JsonReader build() {
            return new JsonReader(this);
        }
    }
}
