package io.ivfsp.json;

/**
 * The tokens of one JSON text, read at a position: whitespace, literals, strings (escapes and
 * surrogates checked) and numbers (RFC 8259's grammar, range checked). Errors name the offset.
 */
final class JsonLexer {
    final String text;
    int pos;

    JsonLexer(String text) {
        this.text = text;
    }

    /** Whether the whole text is read. */
    boolean atEnd() {
        return pos >= text.length();
    }

    /** The char at the position; only when not {@link #atEnd()}. */
    char peek() {
        return text.charAt(pos);
    }

    /** {@code word} at the position, read as {@code value}. */
    Object literal(String word, Object value) {
        if (!text.startsWith(word, pos)) {
            throw error("invalid literal, expected '" + word + "'");
        }
        pos += word.length();
        return value;
    }

    /** The string whose opening quote is at the position. */
    String string() {
        pos++; // the opening quote
        // Most strings (names, hashes) hold no escape and no surrogate: cut out of the text at once, not appended
        // char by char (a warm run of a fresh JVM parses its manifests interpreted).
        int plain = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c == '"') {
                pos++;
                return text.substring(plain, pos - 1);
            }
            if (c < 0x20 || c == '\\' || (c >= Character.MIN_SURROGATE && c <= Character.MAX_SURROGATE)) {
                break;
            }
            pos++;
        }
        StringBuilder sb = new StringBuilder(pos - plain + 16).append(text, plain, pos);
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

    /**
     * The integer from {@code start} to the position, whose form is checked ({@code -?digits}): accumulated
     * here, negated, as Long.parseLong does, without its Character.digit per char (manifests are full of
     * 19-digit times, parsed interpreted on the warm path of a fresh JVM).
     */
    private Long integer(int start) {
        boolean negative = text.charAt(start) == '-';
        long v = 0;
        for (int i = negative ? start + 1 : start; i < pos; i++) {
            int digit = text.charAt(i) - '0';
            if (v < Long.MIN_VALUE / 10 || (v == Long.MIN_VALUE / 10 && digit > (negative ? 8 : 7))) {
                String s = text.substring(start, pos);
                pos = start;
                throw error("integer " + s + " is outside the 64-bit range");
            }
            v = v * 10 - digit;
        }
        return negative ? v : -v;
    }

    /** {@code -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?}, as RFC 8259 spells numbers. */
    Object number() {
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
        if (integer) {
            return integer(start);
        }
        String s = text.substring(start, pos);
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

    void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** The problem, at the position. */
    InvalidJsonException error(String problem) {
        return new InvalidJsonException(pos, problem);
    }

    /** {@code 'x'} for a printable ASCII char, else {@code U+XXXX}. */
    static String describe(char c) {
        return c >= ' ' && c <= '~' ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }
}
