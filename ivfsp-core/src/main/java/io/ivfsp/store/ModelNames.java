package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.AtcNaming;

import java.util.Arrays;
import java.util.regex.Pattern;

/**
 * The only names the store will use as a path inside a directory: the names the catalog gives its
 * files. Anything else read from disk (a manifest edited by hand or by an attacker) is refused, so a
 * name can never lead outside its directory: no separator, no {@code .} or {@code ..}, no NUL or
 * control character, nothing but the characters the catalog uses.
 */
final class ModelNames {

    /** {@code <index>_<OpType>} then {@code _<dtype>_<format>_<dims...>}: ASCII letters, digits, {@code _}, {@code -}. */
    private static final Pattern MODEL = Pattern.compile(
            "[0-9]{1,6}_[A-Za-z0-9_-]{1," + (AtcNaming.MAX_STEM_LENGTH - 2) + "}" + Pattern.quote(AtcNaming.OM_SUFFIX));
    /** {@code OpFile} names: a letter or digit first, then letters, digits, {@code .}, {@code _}, {@code -}. */
    private static final Pattern JSON = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.json");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** A cache key as recorded: only ever compared, but still nothing a log line could be forged with. */
    private static final Pattern KEY = Pattern.compile("[!-~]{1,256}");

    private ModelNames() {
    }

    /** Whether {@code name} is a model file name the catalog can produce. */
    static boolean isModel(String name) {
        return name != null && MODEL.matcher(name).matches();
    }

    /** Whether {@code name} is a single-op JSON file name the catalog can produce. */
    static boolean isJson(String name) {
        return name != null && JSON.matcher(name).matches();
    }

    /** Whether {@code s} is a SHA-256 in lower-case hex. */
    static boolean isSha256(String s) {
        return s != null && SHA256.matcher(s).matches();
    }

    /** Whether {@code s} can be a recorded cache key: 1 to 256 printable ASCII characters. */
    static boolean isKey(String s) {
        return s != null && KEY.matcher(s).matches();
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
