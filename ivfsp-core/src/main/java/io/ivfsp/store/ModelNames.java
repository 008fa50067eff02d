package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.AtcNaming;
import io.ivfsp.ops.NameChars;

import java.util.Arrays;

/**
 * The only names the store will use as a path inside a directory: the names the catalog gives its
 * files. Anything else read from disk (a manifest edited by hand or by an attacker) is refused, so a
 * name can never lead outside its directory: no separator, no {@code .} or {@code ..}, no NUL or
 * control character, nothing but the characters the catalog uses.
 */
final class ModelNames {

    private ModelNames() {
    }

    // Checked character by character, not with regular expressions (NameChars says why); NameChecksTest holds
    // each check to its pattern.

    /**
     * Whether {@code name} is a model file name the catalog can produce: {@code <index>_<OpType>} then
     * {@code _<dtype>_<format>_<dims...>}, ASCII letters, digits, {@code _}, {@code -}; as a pattern,
     * {@code [0-9]{1,6}_[A-Za-z0-9_-]{1,126}\.om}.
     */
    static boolean isModel(String name) {
        if (name == null || !name.endsWith(AtcNaming.OM_SUFFIX)) {
            return false;
        }
        int end = name.length() - AtcNaming.OM_SUFFIX.length();
        int digits = 0;
        while (digits < end && NameChars.isDigit(name.charAt(digits))) {
            digits++;
        }
        int stem = end - digits - 1;
        if (digits < 1 || digits > 6 || stem < 1 || stem > AtcNaming.MAX_STEM_LENGTH - 2 || name.charAt(digits) != '_') {
            return false;
        }
        for (int i = digits + 1; i < end; i++) {
            char c = name.charAt(i);
            if (!NameChars.isLetterOrDigit(c) && c != '_' && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code name} is a single-op JSON file name the catalog can produce: a letter or digit first,
     * then letters, digits, {@code .}, {@code _}, {@code -}; as a pattern, {@code [A-Za-z0-9][A-Za-z0-9._-]{0,200}\.json}.
     */
    static boolean isJson(String name) {
        if (name == null || !name.endsWith(".json")) {
            return false;
        }
        int end = name.length() - ".json".length();
        return end >= 1 && end <= 201 && NameChars.isLetterOrDigit(name.charAt(0)) && NameChars.allNameChars(name, 1, end);
    }

    /** Whether {@code s} is a SHA-256 in lower-case hex: {@code [0-9a-f]{64}}. */
    static boolean isSha256(String s) {
        if (s == null || s.length() != 64) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!NameChars.isDigit(c) && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code s} can be a recorded cache key (only ever compared, but still nothing a log line could be
     * forged with): 1 to 256 printable ASCII characters, {@code [!-~]{1,256}}.
     */
    static boolean isKey(String s) {
        if (s == null || s.isEmpty() || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '!' || c > '~') {
                return false;
            }
        }
        return true;
    }

    /**
     * The name of the lock file of one job: the content {@code key} compiled into {@code outputDirectory}.
     *
     * @throws IllegalArgumentException if the directory is not a set's or the key not a SHA-256
     */
    static String jobLock(String outputDirectory, String key) {
        if (Arrays.stream(ModelSet.values()).noneMatch(s -> s.outputDirectory().equals(outputDirectory))) {
            throw new IllegalArgumentException("not an output directory of a model set: " + quote(outputDirectory));
        }
        if (!isSha256(key)) {
            throw new IllegalArgumentException("not a cache key: " + quote(key));
        }
        return "job-" + outputDirectory + "-" + key + ".lock";
    }

    /** The name quoted for a message, control characters escaped so that a log line cannot be forged. */
    static String quote(String name) {
        StringBuilder sb = new StringBuilder("'");
        int shown = 0;
        for (char c : name.toCharArray()) {
            if (shown++ == 200) {
                sb.append("...");
                break;
            }
            if (c < 0x20 || c == 0x7f || c == '\'' || c == '\\') {
                sb.append(String.format("\\u%04x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }
}
