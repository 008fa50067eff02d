package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.ops.AtcNaming;
import io.ivfsp.ops.NameChars;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * The name checks of the store and the catalog are written character by character (compiling a pattern
 * links lambdas on the warm path of a fresh JVM): each must accept exactly what the pattern it replaced
 * accepts, on names shaped like valid ones, mutated, and on random text.
 */
class NameChecksTest {

    private static final Pattern MODEL = Pattern.compile(
            "[0-9]{1,6}_[A-Za-z0-9_-]{1," + (AtcNaming.MAX_STEM_LENGTH - 2) + "}" + Pattern.quote(AtcNaming.OM_SUFFIX));
    private static final Pattern JSON = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,200}\\.json");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern KEY = Pattern.compile("[!-~]{1,256}");
    private static final Pattern FILE_KEY = Pattern.compile("[A-Za-z0-9=(),:_.-]{1,128}");
    private static final Pattern PLAIN_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    /** What the checks' characters are made of, and what they must refuse: separators, controls, non-ASCII. */
    private static final String ALPHABET = "0123456789abcdefABCDEFxyzXYZ_-.=(),:!~/\\ \t\n\u0000\u007f\u00e9\u0660\uff10";

    @Test
    void modelNames() {
        check("isModel", ModelNames::isModel, MODEL, List.of("0_FpToFp16_1_2_1024.om", "123456_A-b_c.om",
                "1234567_A.om", "0_.om", "_A.om", "0_A.om.om", "0_A.OM", "00_" + "a".repeat(126) + ".om",
                "0_" + "a".repeat(127) + ".om", "0_a/b.om", "0_a.b.om", ".om", "0_a.om\n"));
    }

    @Test
    void jsonNames() {
        check("isJson", ModelNames::isJson, JSON, List.of("fp_to_fp16_op_1024_pid0.json", "a.json", ".json", "..json",
                "-a.json", "a.json.json", "a" + "b".repeat(200) + ".json", "a" + "b".repeat(201) + ".json",
                "a/b.json", "a.JSON", "é.json"));
    }

    private static final String SHA = "e4532389bdfb2411e04ea552d6400574511762861dec10b0d54719f678d9911e";

    @Test
    void sha256s() {
        check("isSha256", ModelNames::isSha256, SHA256, List.of(SHA, SHA.toUpperCase(), SHA + "0", SHA.substring(1),
                SHA.replace('e', 'g'), ""));
    }

    @Test
    void keys() {
        check("isKey", ModelNames::isKey, KEY, List.of(SHA, "", " ", "!", "~", "a".repeat(256), "a".repeat(257),
                "a\u007f", "a b"));
    }

    @Test
    void fileKeys() {
        check("isFileKey", ModelStat::isFileKey, FILE_KEY, List.of("(dev=803,ino=1234567)", "", "a".repeat(128),
                "a".repeat(129), "(dev=803, ino=1)", "a/b", "a;b"));
    }

    @Test
    void plainNames() {
        check("isPlainName", NameChars::isPlainName, PLAIN_NAME, List.of("fp_to_fp16_op_1024_pid0", "a", ".a", "-a",
                "a..b", "", "a/b", "a b", "é"));
    }

    /** {@code check} against {@code pattern} on the given cases and on 20,000 generated ones, about half valid. */
    private static void check(String what, Predicate<String> check, Pattern pattern, List<String> cases) {
        Random random = new Random(what.hashCode());
        List<String> all = new ArrayList<>(cases);
        for (int i = 0; i < 20_000; i++) {
            all.add(generated(random, cases.get(random.nextInt(cases.size()))));
        }
        int accepted = 0;
        for (String s : all) {
            boolean expected = pattern.matcher(s).matches();
            assertThat(check.test(s)).as("%s(%s)", what, ModelNames.quote(s)).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        assertThat(accepted).as("%s: cases the pattern accepts, among %d", what, all.size())
                .isBetween(all.size() / 20, all.size() - all.size() / 20);
    }

    /** A case changed in one to three places (a character replaced, inserted or removed), or random text. */
    private static String generated(Random random, String seed) {
        if (random.nextInt(10) == 0) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(80); n > 0; n--) {
                sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
            }
            return sb.toString();
        }
        StringBuilder sb = new StringBuilder(seed);
        for (int edits = random.nextInt(4); edits > 0; edits--) {
            char c = ALPHABET.charAt(random.nextInt(ALPHABET.length()));
            int at = sb.length() == 0 ? 0 : random.nextInt(sb.length());
            switch (random.nextInt(3)) {
                case 0 -> sb.insert(at, c);
                case 1 -> {
                    if (sb.length() > 0) {
                        sb.setCharAt(at, c);
                    }
                }
                default -> {
                    if (sb.length() > 0) {
                        sb.deleteCharAt(at);
                    }
                }
            }
        }
        return sb.toString();
    }
}
