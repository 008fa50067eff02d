package io.ivfsp.json;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One parse: builds the tree of lists and maps from the {@link JsonLexer}'s tokens, as a state machine
 * over an explicit stack of open lists and maps, so no input can overflow the thread's stack.
 */
final class JsonParser {

    /** Marks that a list or map was opened and the parser now expects its first member. */
    private static final Object OPENED = new Object();

    private final JsonLexer in;
    private final int maxDepth;

    /** Open lists and maps, innermost first. */
    private final Deque<Object> open = new ArrayDeque<>();
    /** For each open map, the key whose value is being read; innermost first. */
    private final Deque<String> keys = new ArrayDeque<>();

    JsonParser(String text, int maxDepth) {
        this.in = new JsonLexer(text);
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
                    in.skipWhitespace();
                    if (!in.atEnd()) {
                        throw in.error("unexpected " + JsonLexer.describe(in.peek()) + " after the JSON value");
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

    /**
     * Reads a scalar value, or opens a list or map. An empty list or map is returned whole;
     * for a map the first key and its colon are consumed.
     */
    private Object valueOrOpen() {
        in.skipWhitespace();
        if (in.atEnd()) {
            throw in.error("unexpected end of text, expected a value");
        }
        char c = in.peek();
        if (c == '[' || c == '{') {
            if (open.size() >= maxDepth) {
                throw in.error("lists and maps nested deeper than " + maxDepth);
            }
            in.pos++;
            boolean isMap = c == '{';
            Object container = isMap ? new LinkedHashMap<String, Object>() : new ArrayList<>();
            in.skipWhitespace();
            if (!in.atEnd() && in.peek() == (isMap ? '}' : ']')) {
                in.pos++;
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
        in.skipWhitespace();
        if (in.atEnd()) {
            throw in.error("unexpected end of text, expected ',' or '" + close + "'");
        }
        char c = in.peek();
        if (c == close) {
            in.pos++;
            return true;
        }
        if (c != ',') {
            throw in.error("unexpected " + JsonLexer.describe(c) + ", expected ',' or '" + close + "'");
        }
        in.pos++;
        in.skipWhitespace();
        if (!in.atEnd() && (in.peek() == ']' || in.peek() == '}')) {
            throw in.error("trailing comma before '" + in.peek() + "'");
        }
        if (isMap) {
            keys.push(key());
        }
        return false;
    }

    /**
     * A map key and its colon, at the lexer's position (whitespace before it already skipped); the key
     * must not repeat one of the same map.
     */
    private String key() {
        if (in.atEnd()) {
            throw in.error("unexpected end of text, expected a string key");
        }
        if (in.peek() != '"') {
            throw in.error("unexpected " + JsonLexer.describe(in.peek()) + ", expected a string key");
        }
        int start = in.pos;
        String key = in.string();
        if (((Map<?, ?>) open.peek()).containsKey(key)) {
            in.pos = start;
            throw in.error("duplicate key \"" + key + "\"");
        }
        in.skipWhitespace();
        if (in.atEnd()) {
            throw in.error("unexpected end of text, expected ':'");
        }
        if (in.peek() != ':') {
            throw in.error("unexpected " + JsonLexer.describe(in.peek()) + ", expected ':'");
        }
        in.pos++;
        return key;
    }

    private Object scalar(char c) {
        return switch (c) {
            case '"' -> in.string();
            case 't' -> in.literal("true", Boolean.TRUE);
            case 'f' -> in.literal("false", Boolean.FALSE);
            case 'n' -> in.literal("null", null);
            default -> {
                if (c == '-' || (c >= '0' && c <= '9')) {
                    yield in.number();
                }
                throw in.error("unexpected " + JsonLexer.describe(c) + ", expected a value");
            }
        };
    }
}
