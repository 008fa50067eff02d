package io.ivfsp.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class JsonWriterTest {

    /** Written by {@code make_python_dumps_table.py} beside it: kind, input, {@code json.dumps(input)}. */
    private static final String PYTHON_TABLE = "/json/python-dumps-table.tsv";

    @Test
    void separatorsAreThoseOfPythonJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2L));
        m.put("a", Map.of());
        m.put("c", true);
        m.put("d", null);
        m.put("e", false);

        assertThat(JsonWriter.write(List.of(m, List.of())))
                .isEqualTo("[{\"b\": [1, 2], \"a\": {}, \"c\": true, \"d\": null, \"e\": false}, []]");
    }

    @Test
    void stringsAreEscapedAsPythonDoesWithEnsureAscii() {
        assertThat(JsonWriter.write("a\"b\\c/\n\r\t\b\f\u0001\u001f \u007f~é€\uD83D\uDE00"))
                .isEqualTo("\"a\\\"b\\\\c/\\n\\r\\t\\b\\f\\u0001\\u001f \\u007f~\\u00e9\\u20ac\\ud83d\\ude00\"");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.0E10                  | 10000000000.0",
        "1.0E-5                  | 1e-05",
        "1.0E-4                  | 0.0001",
        "1.0E15                  | 1000000000000000.0",
        "1.0E16                  | 1e+16",
        "-0.0                    | -0.0",
        "0.0                     | 0.0",
        "4.9E-324                | 5e-324",
        "1.7976931348623157E308  | 1.7976931348623157e+308",
        "2.0E23                  | 2e+23",
        "1.5                     | 1.5",
        "0.30000000000000004     | 0.30000000000000004",
        "123456789012345680.0    | 1.2345678901234568e+17",
        "-1.25E-100              | -1.25e-100",
    })
    void doublesAreWrittenAsPythonReprWritesThem(double value, String python) {
        assertThat(JsonWriter.write(value)).isEqualTo(python);
    }

    @Test
    void everyValueOfThePythonTableIsWrittenAsJsonDumpsWritesIt() throws IOException {
        List<String> mismatches = new ArrayList<>();
        int[] counts = new int[4];  // floats, ints, strings written, strings refused
        try (InputStream in = JsonWriterTest.class.getResourceAsStream(PYTHON_TABLE)) {
            assertThat(in).as(PYTHON_TABLE).isNotNull();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                String[] f = line.split("\t", -1);
                Object value = switch (f[0]) {
                    case "f" -> {
                        counts[0]++;
                        yield Double.longBitsToDouble(Long.parseUnsignedLong(f[1], 16));
                    }
                    case "i" -> {
                        counts[1]++;
                        BigInteger i = new BigInteger(f[1]);
                        yield i.bitLength() < 64 ? (Object) i.longValueExact() : i;
                    }
                    case "s" -> {
                        counts[3]++;
                        yield utf16(f[1]);
                    }
                    default -> throw new AssertionError("bad table line: " + line);
                };
                if (value instanceof BigInteger big) {
                    // Python writes any size; the reader (and the runtime) take 64 bits, so the writer refuses
                    assertThatThrownBy(() -> JsonWriter.write(big)).as(f[1]).isInstanceOf(IllegalArgumentException.class);
                    continue;
                }
                if (value instanceof String text && !StandardCharsets.UTF_8.newEncoder().canEncode(text)) {
                    // Python escapes a lone surrogate; strict readers (JsonReader, ATC) refuse that escape
                    assertThatThrownBy(() -> JsonWriter.write(text)).as(f[1]).isInstanceOf(IllegalArgumentException.class);
                    counts[2]++;
                    continue;
                }
                String ours = JsonWriter.write(value);
                if (!ours.equals(f[2]) && mismatches.size() < 20) {
                    mismatches.add(f[0] + " " + f[1] + ": python " + f[2] + ", ours " + ours);
                }
            }
        }

        assertThat(mismatches).isEmpty();
        assertThat(counts[0]).as("floats in the table").isGreaterThan(10_000);
        assertThat(counts[1]).as("ints in the table").isGreaterThan(100);
        assertThat(counts[3]).as("strings in the table").isGreaterThan(100);
        assertThat(counts[2]).as("strings with an unpaired surrogate, refused").isBetween(1, counts[3] / 2);
    }

    private static String utf16(String hex) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < hex.length(); i += 4) {
            sb.append((char) Integer.parseInt(hex.substring(i, i + 4), 16));
        }
        return sb.toString();
    }

    @Test
    void everyIntegerTypeIsWrittenInDecimal() {
        assertThat(JsonWriter.write(Arrays.asList((byte) -8, (short) 300, -7, Long.MIN_VALUE,
                BigInteger.TWO.pow(63).subtract(BigInteger.ONE))))
                .isEqualTo("[-8, 300, -7, -9223372036854775808, 9223372036854775807]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"\ud800", "x\ud800", "\ud800x", "\udc00", "a\udfffb", "\ude00\ud83d", "\ud83d\ud83d\ude00\ude00"})
    void aStringThatIsNotUnicodeTextIsNotWritten(String s) {
        // what is written must read back, and JsonReader (as ATC) refuses the escape of an unpaired surrogate
        assertThatThrownBy(() -> JsonWriter.write(List.of(s))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
        assertThatThrownBy(() -> JsonWriter.write(Map.of(s, 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unpaired surrogate");
    }

    @Test
    void everyStringThatIsWrittenReadsBack() {
        java.util.Random random = new java.util.Random(20261130L);
        char[] alphabet = {'a', '"', '\\', '\n', '\u0000', '\u007f', '\u00e9', '\uffff', '\ud83d', '\ude00', '\udbff', '\udfff'};
        int written = 0;
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder();
            for (int n = random.nextInt(6); n > 0; n--) {
                sb.append(alphabet[random.nextInt(alphabet.length)]);
            }
            String text;
            try {
                text = JsonWriter.write(sb.toString());
            } catch (IllegalArgumentException refused) {
                continue;
            }
            written++;
            assertThat(JsonReader.read(text)).as(text).isEqualTo(sb.toString());
        }
        assertThat(written).as("strings written").isGreaterThan(5_000);
    }

    @Test
    void anIntegerTheReaderWouldRefuseIsNotWritten() {
        // what is written must read back: JsonReader takes 64-bit integers
        assertThatThrownBy(() -> JsonWriter.write(List.of(BigInteger.TWO.pow(63))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("9223372036854775808")
                .hasMessageContaining("64-bit");
        assertThat(JsonReader.read(JsonWriter.write(List.of(BigInteger.TWO.pow(63).negate()))))
                .isEqualTo(List.of(Long.MIN_VALUE));
    }

    @Test
    void nonFiniteDoublesAreRefusedNamingTheValue() {
        assertThatThrownBy(() -> JsonWriter.write(List.of(1.0, Double.NaN)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("NaN")
                .hasMessageContaining("RFC 8259");
        assertThatThrownBy(() -> JsonWriter.write(Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'Infinity'");
        assertThatThrownBy(() -> JsonWriter.write(Map.of("x", Double.NEGATIVE_INFINITY)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'-Infinity'");
    }

    @Test
    void valuesWithoutAJsonFormAreRefusedNamingTheirType() {
        assertThatThrownBy(() -> JsonWriter.write(Arrays.asList(new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        // A float would print its widened double's digits, not the float's: the caller must choose.
        assertThatThrownBy(() -> JsonWriter.write(0.1f))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Float");
    }

    @Test
    void mapKeysMustBeStrings() {
        assertThatThrownBy(() -> JsonWriter.write(Map.of(1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Integer 1");
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 1);
        assertThatThrownBy(() -> JsonWriter.write(nullKey))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not null");
    }

    @Test
    void nestingUpToTheLimitIsWritten() {
        Object v = "x";
        for (int i = 0; i < JsonWriter.MAX_DEPTH; i++) {
            v = (i % 2 == 0) ? List.of(v) : Map.of("k", v);
        }

        String json = JsonWriter.write(v);

        assertThat(json).startsWith("{\"k\": [{\"k\": [").endsWith("\"x\"" + "]}".repeat(JsonWriter.MAX_DEPTH / 2));
        assertThat(JsonReader.read(json)).as("read back by the default reader").isEqualTo(v);
    }

    @Test
    void nestingDeeperThanTheLimitIsRefused() {
        Object list = List.of();
        Object map = Map.of();
        for (int i = 0; i < JsonWriter.MAX_DEPTH; i++) {
            list = List.of(list);
            map = Map.of("k", map);
        }
        Object deepList = list;
        Object deepMap = map;

        assertThatThrownBy(() -> JsonWriter.write(deepList))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper than " + JsonWriter.MAX_DEPTH);
        assertThatThrownBy(() -> JsonWriter.write(deepMap))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deeper than " + JsonWriter.MAX_DEPTH);
    }

    @Test
    void aListThatContainsItselfIsRefusedNotAStackOverflow() {
        List<Object> self = new ArrayList<>();
        self.add(self);

        assertThatThrownBy(() -> JsonWriter.write(self))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("contain itself");
    }
}
