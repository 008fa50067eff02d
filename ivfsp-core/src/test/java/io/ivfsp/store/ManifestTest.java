package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.json.JsonWriter;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

class ManifestTest {

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);

    private static Map<String, Object> model(String name, long size, String sha) {
        return Map.of("name", name, "size", size, "sha256", sha);
    }

    private static Map<String, Object> entry(Map<String, Object> model) {
        return Map.of("key", "k1", "compile_seconds", 1.5, "models", List.of(model));
    }

    @Test
    void aManifestSurvivesARoundTripWithEveryPlacedModel() {
        Manifest.Model a = new Manifest.Model("0_A_1.om", 3, SHA_A);
        Manifest.Model b = new Manifest.Model("0_B_2.om", 4, SHA_B);
        Manifest m = Manifest.empty().with("x.json", new Manifest.Entry("k1", List.of(a), 1.0))
                .with("x.json", new Manifest.Entry("k2", List.of(b), 2.0));

        Manifest read = Manifest.parse(m.toJson());

        assertThat(read).isEqualTo(m);
        assertThat(read.entries()).containsOnlyKeys("x.json");
        assertThat(read.placed()).as("the model of the replaced entry is still remembered").containsOnlyKeys("0_A_1.om", "0_B_2.om");
    }

    @Test
    void aVersion1ManifestIsReadWithItsModelsAsPlaced() {
        String v1 = JsonWriter.write(Map.of("version", 1, "files", Map.of("x.json", entry(model("0_A_1.om", 3, SHA_A)))));

        Manifest.Parsed p = Manifest.parseLeniently(v1);

        assertThat(p.problems()).isEmpty();
        assertThat(p.manifest().placed()).containsOnlyKeys("0_A_1.om");
    }

    @Test
    void aStaleVersion1EntryIsDroppedWithoutCallingTheManifestCorrupt() {
        String v1 = JsonWriter.write(Map.of("version", 1, "files", Map.of(
                "x.json", entry(model("0_A_1.om", 3, SHA_A)), "y.json", entry(model("0_A_1.om", 3, SHA_B)))));

        Manifest.Parsed p = Manifest.parseLeniently(v1);

        assertThat(p.problems()).isEmpty();
        assertThat(p.manifest().entries()).hasSize(1);
    }

    @Test
    void namesThatAreNotCatalogFileNamesAreRefused() {
        for (String name : List.of("../0_A.om", "/tmp/0_A.om", "sub/0_A.om", "0_A.om/..", ".", "..", "", "0_A\u0000.om",
                "0_A\n.om", "0_A.json", "A.om", "0_A.om.tmp", "0_" + "A".repeat(200) + ".om")) {
            assertThatThrownBy(() -> new Manifest.Model(name, 1, SHA_A)).as(name).isInstanceOf(IllegalArgumentException.class);
            String text = JsonWriter.write(Map.of("version", 1, "files", Map.of("x.json", entry(model(name, 1, SHA_A)))));
            Manifest.Parsed p = Manifest.parseLeniently(text);
            assertThat(p.problems()).as(name).hasSize(1);
            assertThat(p.manifest().entries()).as(name).isEmpty();
        }
        for (String json : List.of("../x.json", "x.om", ".json", "a/b.json", "-x.json")) {
            String text = JsonWriter.write(Map.of("version", 1, "files", Map.of(json, entry(model("0_A.om", 1, SHA_A)))));
            assertThat(Manifest.parseLeniently(text).problems()).as(json).hasSize(1);
        }
    }

    @Test
    void anyTextThatIsNotAManifestIsAProblemNotAnException() {
        for (String text : List.of("", "[", "[".repeat(100_000), "{\"version\":2}", "{\"version\":2,\"files\":[],\"placed\":[]}",
                "{\"version\":2,\"files\":{},\"placed\":[{\"name\":\"0_A.om\",\"size\":\"1\",\"sha256\":\"x\"}]}", "null")) {
            Manifest.Parsed p = Manifest.parseLeniently(text);
            assertThat(p.problems()).as(text.length() > 40 ? text.substring(0, 40) : text).isNotEmpty();
        }
    }

    @Test
    void aSharedCallIsKeptWithItsEntryAndReadBack() {
        Manifest.Model a = new Manifest.Model("0_A_1.om", 3, SHA_A);
        Manifest m = Manifest.empty().with("x.json",
                new Manifest.Entry("k1", List.of(a), 0, Optional.of(new SharedCall(5, 0.25, 7.5))));

        String json = m.toJson();

        assertThat(json).contains("\"shared_call\": {\"ops\": 5, \"million_elements\": 0.25, \"seconds\": 7.5}");
        assertThat(Manifest.parse(json)).isEqualTo(m);
    }

    @Test
    void aSharedCallThatIsNotOneRefusesItsEntryAndOnlyIt() {
        List<Object> bad = new java.util.ArrayList<>(List.of("x", List.of(), Map.of(),
                Map.of("ops", 5, "million_elements", 0.25),
                Map.of("ops", 5.0, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", "5", "million_elements", 0.25, "seconds", 1),
                Map.of("ops", 1, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", 100_001, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", Long.MAX_VALUE, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", -4294967291L, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", Long.MIN_VALUE + 5, "million_elements", 0.25, "seconds", 1),
                Map.of("ops", 5, "million_elements", 50_001.0, "seconds", 1),
                Map.of("ops", 5, "million_elements", 1e300, "seconds", 1),
                Map.of("ops", 5, "million_elements", 0.25, "seconds", 1e-300),
                Map.of("ops", 5, "million_elements", 0.25, "seconds", 0.0009),
                Map.of("ops", 5, "million_elements", -1, "seconds", 1),
                Map.of("ops", 5, "million_elements", 0.25, "seconds", 0),
                Map.of("ops", 5, "million_elements", 0.25, "seconds", 1e7),
                Map.of("ops", 5, "million_elements", "0.25", "seconds", 1)));
        bad.add(null);
        for (Object call : bad) {
            Map<String, Object> broken = new java.util.HashMap<>(entry(model("0_A_1.om", 3, SHA_A)));
            broken.put("shared_call", call);
            String text = JsonWriter.write(Map.of("version", 1, "files", Map.of("x.json", broken,
                    "y.json", entry(model("0_B_2.om", 4, SHA_B)))));

            Manifest.Parsed p = Manifest.parseLeniently(text);

            assertThat(p.problems()).as(String.valueOf(call)).singleElement().asString().contains("x.json");
            assertThat(p.manifest().entries()).as(String.valueOf(call)).containsOnlyKeys("y.json");
        }
    }
}
