package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.json.JsonWriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** Reading a manifest of version 2 leniently: each broken part is named and left out, every valid one kept. */
class ManifestParsingTest {

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    private static Map<String, Object> model(String name, long size, String sha) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("size", size);
        m.put("sha256", sha);
        return m;
    }

    private static Map<String, Object> entry(Map<String, Object> model) {
        return Map.of("key", "k1", "compile_seconds", 1.5, "models", List.of(model));
    }

    private static String v2(Map<String, Object> files, List<Object> placed) {
        return JsonWriter.write(Map.of("version", 2, "files", files, "placed", placed));
    }

    @Test
    void anEntryWhoseModelDiffersFromTheOnePlacedIsAProblem_theOtherEntriesAreKept() {
        String text = v2(Map.of("x.json", entry(model("0_A_1.om", 3, SHA_B)), "y.json", entry(model("1_B_1.om", 4, SHA_B))),
                List.of(model("0_A_1.om", 3, SHA_A), model("1_B_1.om", 4, SHA_B)));

        Manifest.Parsed p = Manifest.parseLeniently(text);

        assertThat(p.problems()).singleElement().asString().contains("'x.json'").contains("differs");
        assertThat(p.manifest().entries()).containsOnlyKeys("y.json");
        assertThat(p.manifest().placed()).containsOnlyKeys("0_A_1.om", "1_B_1.om");
        assertThat(p.manifest().placed().get("0_A_1.om").sha256()).isEqualTo(SHA_A);
    }

    @Test
    void aPlacedModelWhoseStatGivesAnotherSizeIsAProblem_theModelIsStillKnownAsPlaced() {
        Map<String, Object> placed = model("0_A_1.om", 3, SHA_A);
        placed.put("stat", Map.of("size", 4L, "mtime_ns", 1L, "ctime_ns", 1L, "file_key", "(dev=1,ino=2)", "recorded_ns", 9L));
        Map<String, Object> good = model("1_B_1.om", 4, SHA_B);
        good.put("stat", Map.of("size", 4L, "mtime_ns", 1L, "file_key", "(dev=1,ino=3)", "recorded_ns", 9L));

        Manifest.Parsed p = Manifest.parseLeniently(v2(Map.of(), List.of(placed, good)));

        assertThat(p.problems()).singleElement().asString().contains("a placed model").contains("another size");
        assertThat(p.manifest().stats()).containsOnlyKeys("1_B_1.om");
        assertThat(p.manifest().placed()).containsKey("1_B_1.om");
    }

    @Test
    void aVersion2ManifestWithoutItsListOfPlacedModelsKeepsItsEntries() {
        String text = JsonWriter.write(Map.of("version", 2, "files", Map.of("x.json", entry(model("0_A_1.om", 3, SHA_A)))));

        Manifest.Parsed p = Manifest.parseLeniently(text);

        assertThat(p.problems()).containsExactly("no list of placed models");
        assertThat(p.manifest().entries()).containsOnlyKeys("x.json");
        assertThat(p.manifest().placed()).containsOnlyKeys("0_A_1.om");
    }

    @Test
    void aModelSizeThatIsNotAnIntegerIsAProblem() {
        String text = v2(Map.of(), List.of(Map.of("name", "0_A_1.om", "size", 3.0, "sha256", SHA_A)));

        Manifest.Parsed p = Manifest.parseLeniently(text);

        assertThat(p.problems()).singleElement().asString().contains("not an integer");
        assertThat(p.manifest().placed()).isEmpty();
    }
    @Test
    void anEntryUnderANameTheCatalogNeverGivesIsAProblem_itsModelsStayKnownAsPlaced() {
        String text = v2(Map.of("../x.json", entry(model("0_A_1.om", 3, SHA_A)), "y.json", entry(model("1_B_1.om", 4, SHA_B))),
                List.of());

        Manifest.Parsed p = Manifest.parseLeniently(text);

        assertThat(p.problems()).singleElement().asString().contains("'../x.json'").contains("not a JSON file name");
        assertThat(p.manifest().entries()).containsOnlyKeys("y.json");
        assertThat(p.manifest().placed()).containsOnlyKeys("0_A_1.om", "1_B_1.om");
    }

    @Test
    void anEntryNamingOneModelTwiceWithTwoContentsIsAProblem_theOtherEntriesAreKept() {
        Map<String, Object> twice = Map.of("key", "k1", "compile_seconds", 1.5, "models",
                List.of(model("0_A_1.om", 3, SHA_A), model("0_A_1.om", 3, SHA_B)));
        String text = v2(Map.of("x.json", twice, "y.json", entry(model("1_B_1.om", 4, SHA_B))), List.of());

        Manifest.Parsed p = Manifest.parseLeniently(text);

        assertThat(p.problems()).singleElement().asString().contains("'x.json'").contains("not recorded as placed");
        assertThat(p.manifest().entries()).containsOnlyKeys("y.json");
        assertThat(p.manifest().placed().get("0_A_1.om").sha256()).isEqualTo(SHA_A);
    }
    @Test
    void manifestTextIsUtf8_asciiTakenAsIs_anythingElseDecodedStrictly() throws Exception {
        assertThat(ManifestReader.utf8("{\"a\": 1}".getBytes(java.nio.charset.StandardCharsets.US_ASCII))).isEqualTo("{\"a\": 1}");
        assertThat(ManifestReader.utf8(new byte[0])).isEmpty();
        for (String text : List.of("\u00e9", "\u4e2d\u6587", "\ud83d\ude00", "\ufffd", "x\u007f\u0080y")) {
            assertThat(ManifestReader.utf8(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEqualTo(text);
        }
        byte[][] notUtf8 = {{(byte) 0xff}, {'a', (byte) 0x80}, {(byte) 0xc3}, {(byte) 0xc0, (byte) 0x80},
            {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, {(byte) 0xf8, (byte) 0x88, (byte) 0x80, (byte) 0x80, (byte) 0x80}};
        for (byte[] bad : notUtf8) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> ManifestReader.utf8(bad))
                    .isInstanceOf(java.nio.charset.CharacterCodingException.class);
        }
    }
}
