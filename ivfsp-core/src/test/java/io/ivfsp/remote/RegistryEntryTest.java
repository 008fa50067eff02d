package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** An action entry read from an untrusted registry: each rule at its boundary, and the round trip. */
class RegistryEntryTest {

    private static final String KEY = "a".repeat(64);
    private static final String SHA = "b".repeat(64);

    private static RegistryEntry parse(String json) {
        return RegistryEntry.parse(json.getBytes(StandardCharsets.UTF_8), KEY);
    }

    private static String entry(String key, String seconds, String models) {
        return "{\"version\":1,\"key\":\"" + key + "\",\"compile_seconds\":" + seconds + ",\"models\":" + models + "}";
    }

    private static String model(String name, String size, String sha) {
        return "{\"name\":\"" + name + "\",\"size\":" + size + ",\"sha256\":\"" + sha + "\"}";
    }

    @Test
    void anEntrySurvivesARoundTrip() {
        RegistryEntry e = new RegistryEntry(KEY, List.of(new RegistryEntry.Model("0_Add.om", 12, SHA),
                new RegistryEntry.Model("1_Mul.om", RegistryEntry.MAX_MODEL_BYTES, SHA)), 2.5);

        assertThat(RegistryEntry.parse(e.toJson(), KEY)).isEqualTo(e);
        assertThat(new String(e.toJson(), StandardCharsets.UTF_8)).startsWith("{\"version\": 1, \"key\": \"" + KEY + "\"");
    }

    @Test
    void boundariesThatAreAccepted() {
        assertThat(parse(entry(KEY, "0", "[" + model("a.om", "1", SHA) + "]")).compileSeconds()).isZero();
        assertThat(parse(entry(KEY, "1000000", "[" + model("a.om", "1", SHA) + "]")).compileSeconds()).isEqualTo(1e6);
        String many = String.join(",", Collections.nCopies(256, model("a.om", "1", SHA)));
        assertThat(parse(entry(KEY, "1", "[" + many + "]")).models()).hasSize(256);
        assertThat(RegistryEntry.checkModelName("_x-1.2.om")).isEqualTo("_x-1.2.om");
    }

    @Test
    void everyBrokenRuleIsRefusedSayingWhich() {
        String ok = "[" + model("a.om", "1", SHA) + "]";
        String tooMany = "[" + String.join(",", Collections.nCopies(257, model("a.om", "1", SHA))) + "]";
        List<List<String>> cases = List.of(
                List.of("[]", "version 1"),
                List.of("{\"version\":2,\"key\":\"" + KEY + "\",\"compile_seconds\":1,\"models\":" + ok + "}", "version 1"),
                List.of(entry("b".repeat(64), "1", ok), "another key"),
                List.of(entry("A".repeat(64), "1", ok), "another key"),
                List.of(entry(KEY, "-1", ok), "compile_seconds"),
                List.of(entry(KEY, "1000001", ok), "compile_seconds"),
                List.of(entry(KEY, "\"1\"", ok), "compile_seconds"),
                List.of(entry(KEY, "1", "[]"), "1..256"),
                List.of(entry(KEY, "1", "{}"), "1..256"),
                List.of(entry(KEY, "1", tooMany), "1..256"),
                List.of(entry(KEY, "1", "[" + model("a.om", "1.5", SHA) + "]"), "integer size"),
                List.of(entry(KEY, "1", "[1]"), "integer size"),
                List.of(entry(KEY, "1", "[" + model("a.om", "0", SHA) + "]"), "size 0 is not within 1.."),
                List.of(entry(KEY, "1", "[" + model("a.om", "" + (RegistryEntry.MAX_MODEL_BYTES + 1), SHA) + "]"),
                        "is not within 1.."),
                List.of(entry(KEY, "1", "[" + model("a.om", "1", "B".repeat(64)) + "]"), "sha256"),
                List.of(entry(KEY, "1", "[" + model("../a.om", "1", SHA) + "]"), "not a plain .om file name"),
                List.of(entry(KEY, "1", "[" + model(".a.om", "1", SHA) + "]"), "not a plain .om file name"),
                List.of(entry(KEY, "1", "[" + model("a..b.om", "1", SHA) + "]"), "not a plain .om file name"),
                List.of(entry(KEY, "1", "[" + model("a.bin", "1", SHA) + "]"), "not a plain .om file name"));
        for (List<String> c : cases) {
            assertThatThrownBy(() -> parse(c.get(0))).as(c.get(0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(c.get(1));
        }
    }

    @Test
    void anOversizedOrDeeplyNestedEntryIsRefusedBeforeItIsParsed() {
        byte[] big = new byte[RegistryEntry.MAX_BYTES + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        assertThatThrownBy(() -> RegistryEntry.parse(big, KEY)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("larger than " + RegistryEntry.MAX_BYTES);

        assertThatThrownBy(() -> parse("[[[[[1]]]]]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 4");
        assertThatThrownBy(() -> parse("{\"models\": [{\"a\": [[1]]}]}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nested deeper than 4");
        // Leases and compile times are flat maps: brackets inside strings do not count, a nested value does.
        assertThat(RegistryEntry.FLAT_JSON.parse("{\"token\": \"[[[[[\\\"[[[[\"}")).isEqualTo(Map.of("token", "[[[[[\"[[[["));
        assertThatThrownBy(() -> RegistryEntry.FLAT_JSON.parse("{\"token\": \"x\", \"n\": [1]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nested deeper than 1");
        assertThat(Leases.token("{\"token\": [\"t\"]}".getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void anEntryOfExactlyTheLargestSizeIsRead() {
        String json = entry(KEY, "1", "[" + model("a.om", "1", SHA) + "]");
        String padded = json + " ".repeat(RegistryEntry.MAX_BYTES - json.length());

        assertThat(parse(padded).models()).hasSize(1);
    }

    @Test
    void aMessageQuotesAtMostEightyCharactersAndNoControlCharacter() {
        String longKey = "c".repeat(100) + "\n";
        assertThatThrownBy(() -> parse(entry(longKey.replace("\n", "\\n"), "1", "[]")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry names another key: '" + "c".repeat(80) + "...'");
        assertThatThrownBy(() -> parse(entry("d".repeat(80), "1", "[]"))).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("entry names another key: '" + "d".repeat(80) + "'");
        assertThatThrownBy(() -> RegistryEntry.checkModelName("a\u0001.om")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("model name 'a?.om' is not");
    }
}
