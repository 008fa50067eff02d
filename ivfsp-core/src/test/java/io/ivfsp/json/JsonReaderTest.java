package io.ivfsp.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class JsonReaderTest {

    @Test
    void readsWhatTheWriterWrites() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", "a\"b\\c\n\u00e9\ud83d\ude00");
        m.put("n", 42L);
        m.put("neg", -7L);
        m.put("d", 1.5);
        m.put("list", List.of(true, false, List.of()));
        m.put("none", null);
        m.put("empty", Map.of());

        assertThat(JsonReader.read(JsonWriter.write(m))).isEqualTo(m);
    }

    @Test
    void keepsKeyOrder() {
        Object v = JsonReader.read("{\"b\": 1, \"a\": 2}");

        assertThat(new java.util.ArrayList<Object>(((Map<?, ?>) v).keySet())).containsExactly("b", "a");
    }

    @Test
    void rejectsMalformedTextNamingTheOffset() {
        for (String bad : new String[] {"", "{", "[1,]", "{\"a\" 1}", "tru", "\"x", "1 2", "{1: 2}", "[\"\\q\"]"}) {
            assertThatThrownBy(() -> JsonReader.read(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("invalid JSON at offset");
        }
    }
}
