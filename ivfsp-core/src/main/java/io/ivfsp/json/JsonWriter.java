package io.ivfsp.json;

import java.util.List;
import java.util.Map;

/**
 * Writes JSON exactly as Python's {@code json.dumps} does with its defaults: {@code ", "} between
 * items, {@code ": "} after keys, no other whitespace, no trailing newline, non-ASCII escaped as
 * {@code \\uXXXX}. Byte-identical output keeps generated files diffable against the reference.
 *
 * <p>Values: {@link Map} (iteration order is key order), {@link List}, {@link CharSequence},
 * {@link Integer}, {@link Long}, {@link Double} (finite), {@link Boolean} and {@code null}.
 */
public final class JsonWriter {

    private JsonWriter() {
    }

    /**
     * The JSON text of {@code value}.
     *
     * @throws IllegalArgumentException if the value, or anything in it, is of another type or a non-finite double
     */
    public static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, value);
        return sb.toString();
    }

    private static void append(StringBuilder sb, Object value) {
        if (value == null) {
            sb.append("null");
        } else if (value instanceof CharSequence s) {
            appendString(sb, s);
        } else if (value instanceof Integer || value instanceof Long) {
            sb.append(value);
        } else if (value instanceof Double d) {
            if (!Double.isFinite(d)) {
                throw new IllegalArgumentException("JSON has no value for " + d);
            }
            sb.append(d.toString().replace('E', 'e'));
        } else if (value instanceof Boolean b) {
            sb.append(b ? "true" : "false");
        } else if (value instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(", ");
                }
                append(sb, list.get(i));
            }
            sb.append(']');
        } else if (value instanceof Map<?, ?> map) {
            sb.append('{');
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof CharSequence key)) {
                    throw new IllegalArgumentException("JSON object keys must be strings: " + e.getKey());
                }
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                appendString(sb, key);
                sb.append(": ");
                append(sb, e.getValue());
            }
            sb.append('}');
        } else {
            throw new IllegalArgumentException("no JSON form for " + value.getClass().getName());
        }
    }

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
                    if (c < 0x20 || c > 0x7e) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
