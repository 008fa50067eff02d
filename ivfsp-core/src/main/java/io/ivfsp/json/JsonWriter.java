package io.ivfsp.json;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps} does with its defaults: {@code ", "} between
 * items, {@code ": "} after keys, no other whitespace, no trailing newline, non-ASCII escaped as
 * {@code \\uXXXX}, and every number spelled as Python spells it (floats as {@code repr}:
 * {@code 10000000000.0}, {@code 1e-05}, {@code 1e+16}). Byte-identical output keeps generated files
 * diffable against the reference.
 *
 * <p>Values: {@link Map} with {@link CharSequence} keys (iteration order is key order), {@link List},
 * {@link CharSequence}, {@link Byte}, {@link Short}, {@link Integer}, {@link Long}, {@link BigInteger},
 * finite {@link Double}, {@link Boolean} and {@code null}.
 *
 * <p>Unlike {@code json.dumps}, which by default writes the non-standard tokens {@code NaN},
 * {@code Infinity} and {@code -Infinity}, the writer refuses non-finite doubles (as
 * {@code json.dumps(..., allow_nan=False)} does): the files it writes are read by strict RFC 8259
 * parsers (ATC, {@link JsonReader}), which reject those tokens.
 *
 * <pre>{@code
 * JsonWriter.write(List.of(1e10, 1e-5, "x"));   // [10000000000.0, 1e-05, "x"]
 * }</pre>
 */
public final class JsonWriter {

    /**
     * Nesting deeper than this is refused, as {@link JsonReader} refuses it by default (what is written can
     * be read back); it also stops a list that contains itself.
     */
    public static final int MAX_DEPTH = JsonReader.DEFAULT_MAX_DEPTH;

    private JsonWriter() {
    }

    /**
     * The JSON text of {@code value}.
     *
     * @throws IllegalArgumentException if the value, or anything in it, is of another type, a
     *                                  non-finite double, a string (or key) with an unpaired surrogate
     *                                  (no Unicode text: strict readers refuse its escape), a map with a
     *                                  key that is not a string, or nested deeper than {@link #MAX_DEPTH}
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value, 0);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value, int depth) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence s) {
            appendString(sb, s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            sb.append(value);
        } else if (value instanceof BigInteger i) {
            if (i.bitLength() > 63) {
                // JsonReader, and the runtime's parsers, take 64-bit integers only
                throw new IllegalArgumentException("JSON integer " + i + " is outside the 64-bit range");
            }
            sb.append(i);
        } else if (value instanceof Double d) {
            sb.append(PythonFloat.repr(d));
        } else if (value instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (value instanceof List<?> list) {
            checkDepth(depth);
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, list.get(i), depth + 1);
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            checkDepth(depth);
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof CharSequence key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings, not "
                            + (e.getKey() == null ? "null" : e.getKey().getClass().getName() + " " + e.getKey()));
                }
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                appendString(sb, key);
                sb.append(": ");
                append(sb, e.getValue(), depth + 1);
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName()
                    + "; expected a map, list, string, boolean, integer, finite double or null");
        }
    }

    private static void checkDepth(int depth) {
        if (depth >= MAX_DEPTH) {
            throw new IllegalArgumentException("JSON value nested deeper than " + MAX_DEPTH
                    + " lists and maps (does a list or map contain itself?)");
        }
    }

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private static void appendString(StringBuilder sb, CharSequence s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (Character.isSurrogate(c) && !pairedSurrogate(s, i)) {
                        throw new IllegalArgumentException("JSON string with an unpaired surrogate U+"
                                + Integer.toHexString(c).toUpperCase(java.util.Locale.ROOT) + " at index " + i
                                + ": not Unicode text, and strict readers (JsonReader, ATC) refuse its escape");
                    }
                    // json.dumps with ensure_ascii=True escapes everything outside ' '..'~'.
                    if (c < ' ' || c > '~') {
                        sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf])
                                .append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }

    /** Whether the surrogate at {@code i} is half of a high-low pair. */
    private static boolean pairedSurrogate(CharSequence s, int i) {
        char c = s.charAt(i);
        return Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                : i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
    }
}
