package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;

import org.junit.jupiter.api.Test;

/** The stat of a model as a manifest holds it: a change time only where the file system tells one, each field type-checked. */
class ModelStatJsonTest {

    private final ModelStat withCtime = new ModelStat(10, 1_000, OptionalLong.of(2_000), "(dev=803,ino=12)", 9_000);
    private final ModelStat withoutCtime = new ModelStat(10, 1_000, OptionalLong.empty(), "(dev=803,ino=12)", 9_000);

    @Test
    void aStatSurvivesTheManifestWithOrWithoutAChangeTime() {
        assertThat(ModelStat.fromJson(withCtime.toJson())).isEqualTo(withCtime);
        assertThat(withoutCtime.toJson()).doesNotContainKey("ctime_ns");
        assertThat(ModelStat.fromJson(withoutCtime.toJson())).isEqualTo(withoutCtime);
    }

    @Test
    void aChangeTimeThatIsNotAnIntegerIsRefused() {
        Map<String, Object> json = new HashMap<>(withCtime.toJson());
        json.put("ctime_ns", "2000");

        assertThatThrownBy(() -> ModelStat.fromJson(json)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ctime_ns");
    }
}
