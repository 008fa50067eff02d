package io.ivfsp.cli;

import java.math.BigInteger;
import java.util.Optional;

/**
 * Reads an integer exactly as Python's {@code int(str)} does, which is how the reference scripts'
 * argparse reads every numeric flag: surrounding whitespace (Python's, Unicode spaces included), one
 * sign, any Unicode decimal digits, leading zeros, and single {@code _} between digits; nothing else
 * ({@code 0x400}, {@code 1024.0}, {@code 1e3}, an empty string, a control character are refused).
 */
final class PythonInt {

    /** CPython refuses to convert longer digit strings (sys.get_int_max_str_digits(), Python 3.11+). */
    static final int MAX_DIGITS = 4300;

    private PythonInt() {
    }

    /** The value, or empty when Python's {@code int()} would raise ValueError. */
    static Optional<BigInteger> parse(String text) {
        int start = 0;
        int end = text.length();
        while (start < end && isPythonSpace(text.charAt(start))) {
            start++;
        }
        while (end > start && isPythonSpace(text.charAt(end - 1))) {
            end--;
        }
        boolean negative = start < end && text.charAt(start) == '-';
        if (start < end && (negative || text.charAt(start) == '+')) {
            start++;
        }
        StringBuilder digits = new StringBuilder();
        boolean afterDigit = false;
        for (int i = start; i < end; ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '_' && afterDigit && i < end) {
                afterDigit = false;
            } else if (Character.getType(cp) == Character.DECIMAL_DIGIT_NUMBER) {
                digits.append((char) ('0' + Character.digit(cp, 10)));
                afterDigit = true;
            } else {
                return Optional.empty();
            }
        }
        if (!afterDigit || digits.length() > MAX_DIGITS) {
            return Optional.empty();
        }
        BigInteger value = new BigInteger(digits.toString());
        return Optional.of(negative ? value.negate() : value);
    }

    /**
     * The white space {@code int()} strips: Python's {@code str.isspace()} except the separators
     * U+001C..U+001F, which {@code int()} refuses; every such code point is in the BMP.
     */
    static boolean isPythonSpace(char c) {
        return (c >= 0x09 && c <= 0x0d) || c == 0x20 || c == 0x85 || c == 0xa0 || c == 0x1680
                || (c >= 0x2000 && c <= 0x200a) || c == 0x2028 || c == 0x2029 || c == 0x202f || c == 0x205f
                || c == 0x3000;
    }

    /** Python's {@code repr()} of a string, as argparse quotes values in its messages. */
    static String repr(String s) {
        char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
        StringBuilder sb = new StringBuilder().append(quote);
        s.codePoints().forEach(cp -> {
            if (cp == quote || cp == '\\') {
                sb.append('\\').append((char) cp);
            } else if (cp == '\t') {
                sb.append("\\t");
            } else if (cp == '\n') {
                sb.append("\\n");
            } else if (cp == '\r') {
                sb.append("\\r");
            } else if (cp < 0x20 || cp == 0x7f) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp < 0x7f || isPrintable(cp)) {
                sb.appendCodePoint(cp);
            } else if (cp <= 0xff) {
                sb.append(String.format("\\x%02x", cp));
            } else if (cp <= 0xffff) {
                sb.append(String.format("\\u%04x", cp));
            } else {
                sb.append(String.format("\\U%08x", cp));
            }
        });
        return sb.append(quote).toString();
    }

    private static boolean isPrintable(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.SURROGATE, Character.PRIVATE_USE, Character.UNASSIGNED,
                    Character.LINE_SEPARATOR, Character.PARAGRAPH_SEPARATOR, Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }

    /**
     * Whether argparse reads {@code arg} as a negative number, not an option: its {@code ^-\d+$|^-\d*\.\d+$},
     * where {@code \d} is any Unicode decimal digit and {@code $} also matches before a final newline.
     * Checked code point by code point, not with a pattern: compiling one links lambdas of the JDK's on the
     * warm path of every fresh JVM ({@code ScriptArgumentsTest} holds this to the pattern).
     */
    static boolean isNegativeNumber(String arg) {
        int end = arg.endsWith("\n") ? arg.length() - 1 : arg.length();
        if (end < 2 || arg.charAt(0) != '-') {
            return false;
        }
        int before = 0;
        int after = 0;
        boolean point = false;
        for (int i = 1; i < end; ) {
            int cp = arg.codePointAt(i);
            if (cp == '.' && !point) {
                point = true;
            } else if (Character.isDigit(cp)) {
                if (point) {
                    after++;
                } else {
                    before++;
                }
            } else {
                return false;
            }
            i += Character.charCount(cp);
        }
        return point ? after > 0 : before > 0;
    }
}
