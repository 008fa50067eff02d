package io.ivfsp.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonWriterTest {

    @Test
    void separatorsAreThoseOfPythonJsonDumps() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("b", List.of(1, 2L));
        m.put("a", Map.of());
        m.put("c", true);
        m.put("d", null);

        assertThat(JsonWriter.write(List.of(m, List.of()))).isEqualTo("[{\"b\": [1, 2], \"a\": {}, \"c\": true, \"d\": null}, []]");
    }

    @Test
    void stringsAreEscapedAsPythonDoesWithEnsureAscii() {
        assertThat(JsonWriter.write("a\"b\\c\n\t\u0001é€\uD83D\uDE00"))
                .isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001\\u00e9\\u20ac\\ud83d\\ude00\"");
    }

    @Test
    void doublesUseALowerCaseExponent() {
        assertThat(JsonWriter.write(List.of(1.5, 1.0E10))).isEqualTo("[1.5, 1.0e10]");
    }

    @Test
    void unsupportedValuesAreRejected() {
        assertThatThrownBy(() -> JsonWriter.write(Arrays.asList(new Object())))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
        assertThatThrownBy(() -> JsonWriter.write(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> JsonWriter.write(Map.of(1, 2))).isInstanceOf(IllegalArgumentException.class);
    }
}
