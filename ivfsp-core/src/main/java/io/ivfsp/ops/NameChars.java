package io.ivfsp.ops;

/**
 * The characters of the names the catalog makes, checked without regular expressions: compiling a pattern
 * with a character class links lambdas of the JDK's, a cost on the warm path of every fresh JVM that the
 * checks of a few names do not need. {@code NameChecksTest} holds each check to the pattern it replaces.
 */
public final class NameChars {

    private NameChars() {
    }

    /** {@code [0-9]} */
    public static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** {@code [A-Za-z0-9]} */
    public static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || isDigit(c);
    }

    /** {@code [A-Za-z0-9._-]} */
    public static boolean isNameChar(char c) {
        return isLetterOrDigit(c) || c == '.' || c == '_' || c == '-';
    }

    /** Whether {@code s} matches {@code [A-Za-z0-9][A-Za-z0-9._-]*}: a plain file name, never hidden. */
    public static boolean isPlainName(String s) {
        return s != null && !s.isEmpty() && isLetterOrDigit(s.charAt(0)) && allNameChars(s, 1, s.length());
    }

    /** Whether every character of {@code s} from {@code from} (inclusive) to {@code to} (exclusive) is a {@link #isNameChar}. */
    public static boolean allNameChars(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (!isNameChar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
