package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/**
 * What a manifest may hold and how it changes: entries only over placed models, stats only for placed
 * models of the same size and content, a model placed again with other content ending the entries and
 * the stat that described the old one.
 */
class ManifestRulesTest {

    private static final String SHA_A = "a".repeat(64);
    private static final String SHA_B = "b".repeat(64);
    private final Manifest.Model a = new Manifest.Model("0_A_1.om", 3, SHA_A);
    private final Manifest.Model a2 = new Manifest.Model("0_A_1.om", 3, SHA_B);
    private final Manifest.Model b = new Manifest.Model("1_B_2.om", 4, SHA_B);
    private final ModelStat statA = stat(3);
    private final ModelStat statB = stat(4);

    private static ModelStat stat(long size) {
        return new ModelStat(size, 1_000, OptionalLong.of(1_000), "(dev=1,ino=" + size + ")", 5_000_000_000L);
    }

    private static Manifest.Entry entry(String key, Manifest.Model... models) {
        return new Manifest.Entry(key, List.of(models), 1.0);
    }

    @Test
    void entry_compileTimeMustBeAFiniteNumberOfSecondsAndZeroIsOne() {
        for (double bad : new double[] {-0.001, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 1e6 + 1, 1e300}) {
            assertThatThrownBy(() -> new Manifest.Entry("k", List.of(a), bad)).as("" + bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compile time").hasMessageContaining("" + bad);
        }
        assertThat(new Manifest.Entry("k", List.of(a), 0).compileSeconds()).isZero();
    }

    @Test
    void entry_keyMustBeAPlainToken() {
        for (String bad : new String[] {null, "", "with space", "x".repeat(257), "tab\t"}) {
            assertThatThrownBy(() -> new Manifest.Entry(bad, List.of(a), 1)).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a cache key");
        }
        assertThat(new Manifest.Entry("x".repeat(256), List.of(a), 1).key()).hasSize(256);
    }

    @Test
    void model_sizeMustNotBeNegativeAndTheHashMustBeALowerCaseSha256() {
        assertThatThrownBy(() -> new Manifest.Model("0_A_1.om", -1, SHA_A)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("model size must not be negative: -1");
        assertThat(new Manifest.Model("0_A_1.om", 0, SHA_A).size()).isZero();
        for (String bad : new String[] {null, "A".repeat(64), "a".repeat(63), "g".repeat(64)}) {
            assertThatThrownBy(() -> new Manifest.Model("0_A_1.om", 1, bad)).as(String.valueOf(bad))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a SHA-256");
        }
    }

    @Test
    void model_equalOnlyWithTheSameNameSizeAndHash() {
        assertThat(a).isEqualTo(new Manifest.Model("0_A_1.om", 3, SHA_A)).hasSameHashCodeAs(new Manifest.Model("0_A_1.om", 3, SHA_A))
                .isNotEqualTo(a2).isNotEqualTo(new Manifest.Model("0_A_1.om", 4, SHA_A))
                .isNotEqualTo(new Manifest.Model("0_A_2.om", 3, SHA_A)).isNotEqualTo("0_A_1.om");
    }

    @Test
    void manifest_statsOnlyForPlacedModelsOfTheSameSize() {
        assertThatThrownBy(() -> new Manifest(Map.of(), Map.of(), Map.of(a.name(), statA)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(a.name());
        assertThatThrownBy(() -> new Manifest(Map.of(), Map.of(a.name(), a), Map.of(a.name(), statB)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("that size");
        assertThat(new Manifest(Map.of(), Map.of(a.name(), a), Map.of(a.name(), statA)).stats()).containsOnlyKeys(a.name());
    }

    @Test
    void manifest_entriesOnlyOverPlacedModelsUnderJsonNames_placedModelsUnderTheirOwnName() {
        assertThatThrownBy(() -> new Manifest(Map.of("x.json", entry("k", a)), Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not recorded as placed");
        assertThatThrownBy(() -> new Manifest(Map.of("x.json", entry("k", a)), Map.of(a.name(), a2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not recorded as placed");
        assertThatThrownBy(() -> new Manifest(Map.of("x.om", entry("k", a)), Map.of(a.name(), a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a JSON file name");
        assertThatThrownBy(() -> new Manifest(Map.of(), Map.of(b.name(), a)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("under another name");
        assertThat(new Manifest(Map.of("x.json", entry("k", a))).placed()).containsExactlyEntriesOf(Map.of(a.name(), a));
    }

    @Test
    void with_aModelPlacedAgainWithOtherContentEndsTheEntriesAndTheStatOfTheOldOne() {
        Manifest m = new Manifest(Map.of("x.json", entry("k1", a), "y.json", entry("k2", b)),
                Map.of(a.name(), a, b.name(), b), Map.of(a.name(), statA, b.name(), statB));

        Manifest after = m.with("z.json", entry("k3", a2));

        assertThat(after.entries()).containsOnlyKeys("y.json", "z.json");
        assertThat(after.placed()).containsEntry(a.name(), a2).containsEntry(b.name(), b);
        assertThat(after.stats()).containsOnlyKeys(b.name());

        Manifest same = m.with("z.json", entry("k3", a));
        assertThat(same.entries()).containsOnlyKeys("x.json", "y.json", "z.json");
        assertThat(same.stats()).containsOnlyKeys(a.name(), b.name());
    }

    @Test
    void placing_recordsTheModelsBeforeTheirMove_dropsWhatDescribedTheFilesTheyReplace() {
        Manifest m = new Manifest(Map.of("x.json", entry("k1", a), "y.json", entry("k2", b)),
                Map.of(a.name(), a, b.name(), b), Map.of(a.name(), statA, b.name(), statB));

        Manifest replaced = m.placing(List.of(a2));
        assertThat(replaced.placed()).containsEntry(a.name(), a2);
        assertThat(replaced.entries()).containsOnlyKeys("y.json");
        assertThat(replaced.stats()).containsOnlyKeys(b.name());

        Manifest again = m.placing(List.of(b));
        assertThat(again.entries()).containsOnlyKeys("x.json", "y.json");
        assertThat(again.stats()).as("a file placed again has a new stat, whatever its content").containsOnlyKeys(a.name());
    }

    @Test
    void without_keepsTheModelsPlaced_forget_endsTheModelItsEntriesAndItsStat() {
        Manifest m = new Manifest(Map.of("x.json", entry("k1", a), "y.json", entry("k2", b)),
                Map.of(a.name(), a, b.name(), b), Map.of(a.name(), statA, b.name(), statB));

        Manifest without = m.without("x.json");
        assertThat(without.entries()).containsOnlyKeys("y.json");
        assertThat(without.placed()).isEqualTo(m.placed());
        assertThat(without.stats()).isEqualTo(m.stats());

        Manifest forgot = m.forget(a.name());
        assertThat(forgot.entries()).containsOnlyKeys("y.json");
        assertThat(forgot.placed()).containsOnlyKeys(b.name());
        assertThat(forgot.stats()).containsOnlyKeys(b.name());
    }

    @Test
    void withStats_recordsAStatOnlyForAModelStillPlacedWithTheContentAndSizeThatWereChecked() {
        Manifest m = new Manifest(Map.of(), Map.of(a.name(), a, b.name(), b));

        assertThat(m.withStats(Map.of(a.name(), statA), Map.of(a.name(), SHA_A)).stats()).containsOnlyKeys(a.name());
        assertThat(m.withStats(Map.of(a.name(), statA), Map.of(a.name(), SHA_B)).stats()).as("other content").isEmpty();
        assertThat(m.withStats(Map.of(a.name(), stat(4)), Map.of(a.name(), SHA_A)).stats()).as("other size").isEmpty();
        assertThat(m.withStats(Map.of("2_C_3.om", statA), Map.of("2_C_3.om", SHA_A)).stats()).as("not placed").isEmpty();
    }

    @Test
    void theStatOfAPlacedModelSurvivesTheJson() {
        Manifest m = new Manifest(Map.of("x.json", entry("k1", a)), Map.of(a.name(), a, b.name(), b), Map.of(b.name(), statB));

        Manifest read = Manifest.parse(m.toJson());

        assertThat(read).isEqualTo(m);
        assertThat(read.stats()).containsExactlyEntriesOf(Map.of(b.name(), statB));
    }
}
