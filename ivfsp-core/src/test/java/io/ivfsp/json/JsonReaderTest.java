package io.ivfsp.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonReaderTest {

    @Test
    void readsWhatTheWriterWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", "a\"b\\c\n\u00e9\ud83d\ude00\u0001/");
        m.put("n", 42L);
        m.put("neg", -7L);
        m.put("d", 1.5);
        m.put("big", 1e300);
        m.put("list", List.of(true, false, List.of(), Map.of(), List.of(List.of(1L))));
        m.put("none", null);
        m.put("nested", Map.of("inner", Map.of("x", -0.25)));

        assertThat(JsonReader.read(JsonWriter.write(m))).isEqualTo(m);
    }

    /**
     * Strings mixing plain characters with every kind the reader treats apart (quotes, backslashes, control
     * characters, paired surrogates, other non-ASCII), at every offset: a plain start is cut out of the text,
     * the rest decoded; both must give the string written, raw or with every character escaped.
     */
    @Test
    void stringsOfEveryMixReadBackAsWrittenRawOrEscaped() {
        String[] pieces = {"a", "Z", "0", " ", "_", ".", "\"", "\\", "/", "\n", "\u0001", "\u001f", "\u007f", "\u00e9",
                "\u4e2d", "\ud83d\ude00", "\uffff"};
        java.util.Random random = new java.util.Random(15);
        for (int i = 0; i < 5_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(12); n > 0; n--) {
                sb.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)] : pieces[random.nextInt(6)]);
            }
            String value = sb.toString();
            assertThat(JsonReader.read(JsonWriter.write(List.of(value)))).as(value).isEqualTo(List.of(value));
            StringBuilder escaped = new StringBuilder("[\"");
            for (char c : value.toCharArray()) {
                escaped.append(String.format("\\u%04x", (int) c));
            }
            assertThat(JsonReader.read(escaped.append("\"]").toString())).as(value).isEqualTo(List.of(value));
        }
    }

    @Test
    void keepsKeyOrder() {
        Object v = JsonReader.read("{\"b\": 1, \"a\": 2, \"c\": {\"z\": 0, \"y\": 1}}");

        assertThat(new ArrayList<Object>(((Map<?, ?>) v).keySet())).containsExactly("b", "a", "c");
        assertThat(new ArrayList<Object>(((Map<?, ?>) ((Map<?, ?>) v).get("c")).keySet())).containsExactly("z", "y");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-0", "1", "-1", "10", "9223372036854775807", "-9223372036854775808",
        "922337203685477580", "-922337203685477580", "9223372036854775799", "-9223372036854775799",
        "1764538045348705000", "999999999999999999", "-999999999999999999", "1000000000000000000"})
    void integersAreLongs(String text) {
        assertThat(JsonReader.read(text)).isEqualTo(Long.parseLong(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.5", "-0.0", "1e5", "1E5", "1e+5", "1e-5", "-1.25E-3", "0e0", "10.0", "1e-400",
        "1.7976931348623157e308", "4.9e-324"})
    void numbersWithFractionOrExponentAreDoubles(String text) {
        assertThat(JsonReader.read(text)).isEqualTo(Double.parseDouble(text));
    }

    @Test
    void literalsAndWhitespace() {
        assertThat(JsonReader.read(" \t\r\n[true ,false,\nnull ] \n"))
                .isEqualTo(Arrays.asList(true, false, null));
    }

    @Test
    void everyEscapeIsDecoded() {
        assertThat(JsonReader.read("\"\\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041\\u00e9\\u20AC \\ud83d\\ude00\""))
                .isEqualTo("\" \\ / \b \f \n \r \t A\u00e9\u20ac \ud83d\ude00");
    }

    @Test
    void rawNonAsciiAndPairedSurrogatesAreKept() {
        assertThat(JsonReader.read("\"\u00e9\u4e2d\ud83d\ude00\u007f\"")).isEqualTo("\u00e9\u4e2d\ud83d\ude00\u007f");
    }

    /** One row per rule of RFC 8259 the reader enforces: text, offset of the problem, words in the message. */
    @Test
    void aMessageQuotesAtMostAFewHundredCharactersOfTheInput() {
        // a 5 MB number or key would otherwise be copied whole into the message, and into every log of it
        String hugeNumber = "[" + "9".repeat(5_000_000) + "]";
        String hugeKey = "{\"" + "k".repeat(5_000_000) + "\": 1, \"" + "k".repeat(5_000_000) + "\": 2}";

        for (String text : List.of(hugeNumber, hugeKey)) {
            InvalidJsonException e = catchThrowableOfType(InvalidJsonException.class, () -> JsonReader.read(text));
            assertThat(e.getMessage()).hasSizeLessThan(300).contains("(5000").contains("chars)");
        }
        assertThat(catchThrowableOfType(InvalidJsonException.class, () -> JsonReader.read("[01]")).getMessage())
                .isEqualTo("invalid JSON at offset 1: leading zero in a number");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        // numbers
        "+1          | 0 | unexpected '+', expected a value",
        "007         | 0 | leading zero",
        "-01         | 1 | leading zero",
        "[00]        | 1 | leading zero",
        ".5          | 0 | unexpected '.'",
        "1.          | 2 | expected a digit after the decimal point",
        "1.e5        | 2 | unexpected 'e', expected a digit after the decimal point",
        "1e          | 2 | expected a digit in the exponent",
        "1e+         | 3 | expected a digit in the exponent",
        "-           | 1 | expected a digit",
        "-a          | 1 | unexpected 'a', expected a digit",
        "--1         | 1 | unexpected '-', expected a digit",
        "0x10        | 1 | unexpected 'x' after the JSON value",
        "1e400       | 0 | too large for a double",
        "-1e400      | 0 | too large for a double",
        "9223372036854775808   | 0 | outside the 64-bit range",
        "9223372036854775810   | 0 | outside the 64-bit range",
        "-9223372036854775810  | 0 | outside the 64-bit range",
        "92233720368547758070  | 0 | outside the 64-bit range",
        "99999999999999999999  | 0 | outside the 64-bit range",
        "[-99999999999999999999] | 1 | outside the 64-bit range",
        "[1, -9223372036854775809] | 4 | outside the 64-bit range",
        "NaN         | 0 | unexpected 'N'",
        "Infinity    | 0 | unexpected 'I'",
        "-Infinity   | 1 | unexpected 'I', expected a digit",
        // literals
        "tru         | 0 | expected 'true'",
        "True        | 0 | unexpected 'T'",
        "nul         | 0 | expected 'null'",
        "fals        | 0 | expected 'false'",
        "truex       | 4 | unexpected 'x' after the JSON value",
        // structure
        "``          | 0 | unexpected end of text, expected a value",
        "`   `       | 3 | unexpected end of text, expected a value",
        "[1,]        | 3 | trailing comma before ']'",
        "[1,  ]      | 5 | trailing comma before ']'",
        "{\"a\": 1, } | 9 | trailing comma before '}'",
        "[1,         | 3 | unexpected end of text, expected a value",
        "{\"a\": 1,  | 8 | unexpected end of text, expected a string key",
        "[1~]        | 2 | unexpected '~', expected ',' or ']'",
        "{\"a\": 1,} | 8 | trailing comma before '}'",
        "[,1]        | 1 | unexpected ',', expected a value",
        "[1 2]       | 3 | unexpected '2', expected ',' or ']'",
        "[1;2]       | 2 | unexpected ';', expected ',' or ']'",
        "[1          | 2 | unexpected end of text, expected ',' or ']'",
        "[           | 1 | unexpected end of text, expected a value",
        "{           | 1 | unexpected end of text, expected a string key",
        "{\"a\" 1}   | 5 | unexpected '1', expected ':'",
        "{\"a\"      | 4 | unexpected end of text, expected ':'",
        "{\"a\": 1   | 7 | unexpected end of text, expected ',' or '}'",
        "{\"a\": 1 ] | 8 | unexpected ']', expected ',' or '}'",
        "{1: 2}      | 1 | unexpected '1', expected a string key",
        "{'a': 2}    | 1 | unexpected ''', expected a string key",
        "{\"a\": 1, 2} | 9 | expected a string key",
        "{\"a\": 1, \"a\": 2} | 9 | duplicate key \"a\"",
        "]           | 0 | unexpected ']', expected a value",
        "1 2         | 2 | unexpected '2' after the JSON value",
        "{} {}       | 3 | unexpected '{' after the JSON value",
        "[] // note  | 3 | unexpected '/' after the JSON value",
        "/* c */ 1   | 0 | unexpected '/', expected a value",
        // strings
        "\"x         | 2 | unterminated string",
        "\"x\\       | 2 | unterminated string",
        "[\"\\q\"]   | 2 | invalid escape: backslash followed by 'q'",
        "\"\\x41\"   | 1 | invalid escape: backslash followed by 'x'",
        "`\"\\ \"`   | 1 | invalid escape: backslash followed by ' '",
        "\"\\~\"     | 1 | invalid escape: backslash followed by '~'",
        "\"\\U0041\" | 1 | invalid escape: backslash followed by 'U'",
        "\"\\u12      | 1 | four hex digits expected",
        "\"\\u        | 1 | four hex digits expected",
        "\"\\ud83d\\ude0 | 1 | four hex digits expected",
        "\"\\u12\"   | 1 | four hex digits expected",
        "\"\\u12G4\" | 1 | four hex digits expected",
        "\"\\u+123\" | 1 | four hex digits expected",
        "\"\\u-123\" | 1 | four hex digits expected",
        "\"\\u00\"   | 1 | four hex digits expected",
        "\"\\ud800\" | 1 | unpaired surrogate escape \\ud800",
        "\"\\ud800\\u0041\" | 1 | unpaired surrogate escape \\ud800",
        "\"\\ud800\\n\" | 1 | unpaired surrogate escape \\ud800",
        "\"\\udc00\" | 1 | unpaired surrogate escape \\udc00",
        "\"ab\\ud800\\ud800\" | 3 | unpaired surrogate escape \\ud800",
    })
    void malformedTextIsRefusedNamingOffsetAndProblem(String text, int offset, String problem) {
        InvalidJsonException e = catchThrowableOfType(InvalidJsonException.class, () -> JsonReader.read(text));

        assertThat(e).as(text).isNotNull();
        assertThat(e.problem()).contains(problem);
        assertThat(e.offset()).isEqualTo(offset);
        assertThat(e).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid JSON at offset " + offset + ": " + e.problem());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "0      | U+0000",
        "1      | U+0001",
        "10     | U+000A",
        "13     | U+000D",
        "9      | U+0009",
        "31     | U+001F",
    })
    void controlCharactersInStringsMustBeEscaped(int code, String shown) {
        String text = "[\"ab" + (char) code + "\"]";

        assertThatThrownBy(() -> JsonReader.read(text)).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset 4: unescaped control character " + shown + " in a string");
    }

    @Test
    void invalidCharactersOutsidePrintableAsciiAreShownAsCodePoints() {
        assertThatThrownBy(() -> JsonReader.read("[1\u007f]")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset 2: unexpected U+007F, expected ',' or ']'");
        assertThatThrownBy(() -> JsonReader.read("\"\\\u00e9\"")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset 1: invalid escape: backslash followed by U+00E9");
    }

    @Test
    void everyHexDigitOfBothCasesIsAcceptedInEscapes() {
        assertThat(JsonReader.read("\"\\u0123\\u4567\\u89ab\\ucdef\\u89AB\\uCDEF\\uFfFf\""))
                .isEqualTo("\u0123\u4567\u89ab\ucdef\u89ab\ucdef\uffff");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/", ":", "@", "G", "`", "g"})
    void charactersNextToTheHexDigitsAreRefusedInEscapes(String c) {
        assertThatThrownBy(() -> JsonReader.read("\"\\u00" + c + "0\"")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset 1: invalid \\u escape: four hex digits expected");
    }

    @Test
    void whitespaceIsAllowedAroundEveryToken() {
        String text = " { \"a\" : [ ] , \"b\" : { } , \"c\" : [ 1 , \"x\" , { \"d\" : null } ] } ";

        assertThat(JsonReader.read(text)).isEqualTo(JsonReader.read(text.replace(" ", "")))
                .isEqualTo(Map.of("a", List.of(), "b", Map.of(), "c", Arrays.asList(1L, "x", Collections.singletonMap("d", null))));
    }

    @Test
    void unpairedRawSurrogatesAreRefused() {
        for (String s : List.of("\"a\ud800\"", "\"a\udc00\ud800\"", "\"a\ud800")) {
            assertThatThrownBy(() -> JsonReader.read(s)).as(s).isInstanceOf(InvalidJsonException.class)
                    .hasMessageContaining("offset 2: unpaired surrogate U+D");
        }
    }

    @Test
    void byteOrderMarkAndOtherWhitespaceAreRefused() {
        for (String s : List.of("\ufeff1", "\u00a01", "\u20281", "\f1", "\u000b1")) {
            assertThatThrownBy(() -> JsonReader.read(s)).isInstanceOf(InvalidJsonException.class)
                    .hasMessageStartingWith("invalid JSON at offset 0: unexpected U+");
        }
    }

    @Test
    void nestingUpToTheDefaultDepthIsRead() {
        int depth = JsonReader.DEFAULT_MAX_DEPTH;
        Object v = JsonReader.read("[".repeat(depth) + "]".repeat(depth));

        for (int i = 1; i < depth; i++) {
            assertThat(v).asList().hasSize(1);
            v = ((List<?>) v).get(0);
        }
        assertThat(v).asList().isEmpty();
    }

    @Test
    void nestingDeeperThanTheDefaultIsRefusedAtTheFirstBracketTooDeep() {
        int depth = JsonReader.DEFAULT_MAX_DEPTH;
        String arrays = "[".repeat(depth) + "[]" + "]".repeat(depth);
        String maps = "{\"k\": ".repeat(depth) + "{}" + "}".repeat(depth);

        assertThatThrownBy(() -> JsonReader.read(arrays)).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset " + depth + ": lists and maps nested deeper than " + depth);
        assertThatThrownBy(() -> JsonReader.read(maps)).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset " + 6 * depth + ": lists and maps nested deeper than " + depth);
    }

    @Test
    void fiveThousandOpenBracketsGiveACleanErrorNotAStackOverflow() {
        assertThatThrownBy(() -> JsonReader.read("[".repeat(5000))).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("nested deeper than 64");
    }

    @Test
    void aDeepLimitIsHonouredWithoutRecursion() {
        int depth = 200_000;
        JsonReader deep = JsonReader.builder().maxDepth(depth).build();
        String text = "[{\"a\": ".repeat(depth / 2) + "1" + "}]".repeat(depth / 2);

        Object v = deep.parse(text);

        for (int i = 0; i < depth / 2; i++) {
            v = ((Map<?, ?>) ((List<?>) v).get(0)).get("a");
        }
        assertThat(v).isEqualTo(1L);
        assertThatThrownBy(() -> deep.parse("[".repeat(depth + 1))).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset " + depth + ": lists and maps nested deeper than " + depth);
        assertThatThrownBy(() -> deep.parse("[".repeat(depth))).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset " + depth + ": unexpected end of text, expected a value");
    }

    @Test
    void maxDepthZeroAcceptsOnlyScalars() {
        JsonReader flat = JsonReader.builder().maxDepth(0).build();

        assertThat(flat.parse("\"x\"")).isEqualTo("x");
        assertThatThrownBy(() -> flat.parse("[]")).isInstanceOf(InvalidJsonException.class)
                .hasMessageContaining("offset 0: lists and maps nested deeper than 0");
    }

    @Test
    void textLongerThanTheLimitIsRefusedBeforeParsing() {
        JsonReader small = JsonReader.builder().maxLength(10).build();

        assertThat(small.parse("[1, 2, 34]")).isEqualTo(List.of(1L, 2L, 34L));
        assertThatThrownBy(() -> small.parse("[1, 2, 345]")).isInstanceOf(InvalidJsonException.class)
                .hasMessage("invalid JSON at offset 10: text is 11 characters long, more than the limit of 10");
    }

    @Test
    void builderRejectsImpossibleLimits() {
        assertThatThrownBy(() -> JsonReader.builder().maxDepth(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max depth must not be negative: -1");
        assertThatThrownBy(() -> JsonReader.builder().maxLength(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("max length must be positive: 0");
    }

    @Test
    void builderKeepsItsLimitsAndCanBuildAgain() {
        JsonReader.Builder b = JsonReader.builder().maxDepth(3).maxLength(100);
        JsonReader first = b.build();
        JsonReader second = b.maxDepth(4).build();

        assertThat(first.maxDepth()).isEqualTo(3);
        assertThat(first.maxLength()).isEqualTo(100);
        assertThat(second.maxDepth()).isEqualTo(4);
        assertThat(first).hasToString("JsonReader{maxDepth=3, maxLength=100}");
        assertThat(JsonReader.builder().build().maxDepth()).isEqualTo(JsonReader.DEFAULT_MAX_DEPTH);
        assertThat(JsonReader.builder().build().maxLength()).isEqualTo(Integer.MAX_VALUE);
    }
}
