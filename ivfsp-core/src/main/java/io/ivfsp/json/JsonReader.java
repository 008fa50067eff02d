package io.ivfsp.json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
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
        return new Parser(text, maxDepth).document();
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

    /** One parse: a state machine over an explicit stack of open lists and maps. */
    private static final class Parser {
        private final String text;
        private final int maxDepth;
        private int pos;

        /** Open lists and maps, innermost first. */
        private final Deque<Object> open = new ArrayDeque<>();
        /** For each open map, the key whose value is being read; innermost first. */
        private final Deque<String> keys = new ArrayDeque<>();

        Parser(String text, int maxDepth) {
            this.text = text;
            this.maxDepth = maxDepth;
        }

        Object document() {
            while (true) {
                Object value = valueOrOpen();
                if (value == OPENED) {
                    continue;
                }
                // A value is complete: hand it to its container, closing containers as they end.
                while (true) {
                    if (open.isEmpty()) {
                        skipWhitespace();
                        if (pos < text.length()) {
                            throw error("unexpected " + describe(text.charAt(pos)) + " after the JSON value");
                        }
                        return value;
                    }
                    add(open.peek(), value);
                    if (!afterMember()) {
                        break;
                    }
                    value = open.pop();
                }
            }
        }

        /** Marks that a list or map was opened and the parser now expects its first member. */
        private static final Object OPENED = new Object();

        /**
         * Reads a scalar value, or opens a list or map. An empty list or map is returned whole;
         * for a map the first key and its colon are consumed.
         */
        private Object valueOrOpen() {
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("unexpected end of text, expected a value");
            }
            char c = text.charAt(pos);
            if (c == '[' || c == '{') {
                if (open.size() >= maxDepth) {
                    throw error("lists and maps nested deeper than " + maxDepth);
                }
                pos++;
                boolean isMap = c == '{';
                Object container = isMap ? new LinkedHashMap<String, Object>() : new ArrayList<>();
                skipWhitespace();
                if (pos < text.length() && text.charAt(pos) == (isMap ? '}' : ']')) {
                    pos++;
                    return container;
                }
                open.push(container);
                if (isMap) {
                    keys.push(key());
                }
                return OPENED;
            }
            return scalar(c);
        }

        @SuppressWarnings("unchecked")
        private void add(Object container, Object value) {
            if (container instanceof List<?> list) {
                ((List<Object>) list).add(value);
            } else {
                ((Map<String, Object>) container).put(keys.pop(), value);
            }
        }

        /**
         * After a member of the innermost container: consumes a comma (and for a map the next key
         * and colon) and returns false, or consumes the closing bracket and returns true.
         */
        private boolean afterMember() {
            boolean isMap = open.peek() instanceof Map;
            char close = isMap ? '}' : ']';
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("unexpected end of text, expected ',' or '" + close + "'");
            }
            char c = text.charAt(pos);
            if (c == close) {
                pos++;
                return true;
            }
            if (c != ',') {
                throw error("unexpected " + describe(c) + ", expected ',' or '" + close + "'");
            }
            pos++;
            skipWhitespace();
            if (pos < text.length() && (text.charAt(pos) == ']' || text.charAt(pos) == '}')) {
                throw error("trailing comma before '" + text.charAt(pos) + "'");
            }
            if (isMap) {
                keys.push(key());
            }
            return false;
        }

        /**
         * A map key and its colon, at {@code pos} (whitespace before it already skipped); the key
         * must not repeat one of the same map.
         */
        private String key() {
            if (pos >= text.length()) {
                throw error("unexpected end of text, expected a string key");
            }
            if (text.charAt(pos) != '"') {
                throw error("unexpected " + describe(text.charAt(pos)) + ", expected a string key");
            }
            int start = pos;
            String key = string();
            if (((Map<?, ?>) open.peek()).containsKey(key)) {
                pos = start;
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("unexpected end of text, expected ':'");
            }
            if (text.charAt(pos) != ':') {
                throw error("unexpected " + describe(text.charAt(pos)) + ", expected ':'");
            }
            pos++;
            return key;
        }

        private Object scalar(char c) {
            return switch (c) {
                case '"' -> string();
                case 't' -> literal("true", Boolean.TRUE);
                case 'f' -> literal("false", Boolean.FALSE);
                case 'n' -> literal("null", null);
                default -> {
                    if (c == '-' || (c >= '0' && c <= '9')) {
                        yield number();
                    }
                    throw error("unexpected " + describe(c) + ", expected a value");
                }
            };
        }

        private Object literal(String word, Object value) {
            if (!text.startsWith(word, pos)) {
                throw error("invalid literal, expected '" + word + "'");
            }
            pos += word.length();
            return value;
        }

        private String string() {
            pos++; // the opening quote
            StringBuilder sb = new StringBuilder();
            while (true) {
                if (pos >= text.length()) {
                    throw error("unterminated string");
                }
                char c = text.charAt(pos);
                if (c == '"') {
                    pos++;
                    return sb.toString();
                }
                if (c < 0x20) {
                    throw error("unescaped control character " + describe(c) + " in a string");
                }
                if (c == '\\') {
                    escape(sb);
                } else if (Character.isSurrogate(c)) {
                    int start = pos;
                    if (Character.isHighSurrogate(c) && pos + 1 < text.length()
                            && Character.isLowSurrogate(text.charAt(pos + 1))) {
                        sb.append(c).append(text.charAt(pos + 1));
                        pos += 2;
                    } else {
                        pos = start;
                        throw error("unpaired surrogate " + describe(c) + " in a string");
                    }
                } else {
                    sb.append(c);
                    pos++;
                }
            }
        }

        /** One escape sequence at {@code pos}; a high surrogate must be followed by an escaped low one. */
        private void escape(StringBuilder sb) {
            if (pos + 1 >= text.length()) {
                throw error("unterminated string");
            }
            char e = text.charAt(pos + 1);
            switch (e) {
                case '"', '\\', '/' -> sb.append(e);
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'n' -> sb.append('\n');
                case 'r' -> sb.append('\r');
                case 't' -> sb.append('\t');
                case 'u' -> {
                    char u = hex4(pos + 2);
                    if (Character.isLowSurrogate(u)) {
                        throw error("unpaired surrogate escape \\u" + text.substring(pos + 2, pos + 6));
                    }
                    if (Character.isHighSurrogate(u)) {
                        int low = pos + 6;
                        if (!text.startsWith("\\u", low) || !Character.isLowSurrogate(hex4(low + 2))) {
                            throw error("unpaired surrogate escape \\u" + text.substring(pos + 2, pos + 6));
                        }
                        sb.append(u).append(hex4(low + 2));
                        pos += 6;
                    } else {
                        sb.append(u);
                    }
                    pos += 4;
                }
                default -> throw error("invalid escape: backslash followed by " + describe(e));
            }
            pos += 2;
        }

        /** The char spelled by the four hex digits at {@code at}. */
        private char hex4(int at) {
            int v = 0;
            for (int i = at; i < at + 4; i++) {
                int digit = i < text.length() ? hexValue(text.charAt(i)) : -1;
                if (digit < 0) {
                    throw error("invalid \\u escape: four hex digits expected");
                }
                v = v * 16 + digit;
            }
            return (char) v;
        }

        private static int hexValue(char c) {
            if (c >= '0' && c <= '9') {
                return c - '0';
            }
            if (c >= 'a' && c <= 'f') {
                return c - 'a' + 10;
            }
            return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        }

        /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, as RFC 8259 spells numbers. */
        private Object number() {
            int start = pos;
            if (text.charAt(pos) == '-') {
                pos++;
            }
            if (pos < text.length() && text.charAt(pos) == '0') {
                pos++;
                if (pos < text.length() && isDigit(text.charAt(pos))) {
                    pos--;
                    throw error("leading zero in a number");
                }
            } else {
                digits("a digit");
            }
            boolean integer = true;
            if (pos < text.length() && text.charAt(pos) == '.') {
                integer = false;
                pos++;
                digits("a digit after the decimal point");
            }
            if (pos < text.length() && (text.charAt(pos) == 'e' || text.charAt(pos) == 'E')) {
                integer = false;
                pos++;
                if (pos < text.length() && (text.charAt(pos) == '+' || text.charAt(pos) == '-')) {
                    pos++;
                }
                digits("a digit in the exponent");
            }
            String s = text.substring(start, pos);
            if (integer) {
                try {
                    return Long.parseLong(s);
                } catch (NumberFormatException ex) {
                    pos = start;
                    throw error("integer " + s + " is outside the 64-bit range");
                }
            }
            double d = Double.parseDouble(s);
            if (Double.isInfinite(d)) {
                pos = start;
                throw error("number " + s + " is too large for a double");
            }
            return d;
        }

        private void digits(String what) {
            if (pos >= text.length() || !isDigit(text.charAt(pos))) {
                throw error(pos >= text.length() ? "unexpected end of text, expected " + what
                        : "unexpected " + describe(text.charAt(pos)) + ", expected " + what);
            }
            while (pos < text.length() && isDigit(text.charAt(pos))) {
                pos++;
            }
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private void skipWhitespace() {
            while (pos < text.length()) {
                char c = text.charAt(pos);
                if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                    return;
                }
                pos++;
            }
        }

        private InvalidJsonException error(String problem) {
            return new InvalidJsonException(pos, problem);
        }

        /** {@code 'x'} for a printable ASCII char, else {@code U+XXXX}. */
        private static String describe(char c) {
            return c >= ' ' && c <= '~' ? "'" + c + "'" : String.format("U+%04X", (int) c);
        }
    }
}
