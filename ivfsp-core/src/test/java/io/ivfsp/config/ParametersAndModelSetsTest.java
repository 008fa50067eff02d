package io.ivfsp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** What the CLI shows and parses: parameter help texts, model set names, violation texts. */
class ParametersAndModelSetsTest {

    @Test
    void allowedTextOfEachListedParameterNamesEveryValueTheRulesAccept() {
        for (int dim : ConfigRules.DIMS) {
            assertThat(IvfspParameter.DIM.allowed()).contains(String.valueOf(dim));
        }
        assertThat(IvfspParameter.NLIST.allowed()).contains(String.valueOf(ConfigRules.NLISTS.get(0)))
                .contains(String.valueOf(ConfigRules.NLISTS.get(ConfigRules.NLISTS.size() - 1)))
                .contains(String.valueOf(ConfigRules.MAX_NLIST_LARGE_DIM));
        assertThat(IvfspParameter.HANDLE_BATCH.allowed()).contains(String.valueOf(ConfigRules.MIN_HANDLE_BATCH))
                .contains(String.valueOf(ConfigRules.MAX_HANDLE_BATCH));
        assertThat(IvfspParameter.CODE_NUM.allowed()).contains(String.valueOf(ConfigRules.CODE_NUM_MULTIPLE));
        assertThat(IvfspParameter.CORES.allowed()).contains(String.valueOf(ConfigRules.REQUIRED_CORES));
    }

    @Test
    void everyParameterHasItsOwnFlagPropertyAndDescription() {
        Set<String> seen = new HashSet<>();
        for (IvfspParameter p : IvfspParameter.values()) {
            assertThat(p.flag()).startsWith("-");
            assertThat(p.description()).as(p + " description").isNotBlank();
            assertThat(p.allowed()).as(p + " allowed").isNotBlank();
            assertThat(seen.add(p.flag())).as("flag " + p.flag() + " is unique").isTrue();
            assertThat(seen.add(p.property())).as("property " + p.property() + " is unique").isTrue();
            assertThat(seen.add(p.description())).as("description of " + p + " is unique").isTrue();
        }
        assertThat(IvfspParameter.NONZERO_NUM.description()).contains("nonzero");
    }

    @Test
    void defaultsAreTheDefaultValueOfEachParameter() {
        IvfspConfig defaults = IvfspConfig.defaults();

        assertThat(defaults).isEqualTo(IvfspConfig.builder().build());
        for (IvfspParameter p : IvfspParameter.values()) {
            assertThat(defaults.get(p)).as(p.property()).isEqualTo(p.defaultValue());
        }
    }

    @Test
    void configsThatDifferInOneParameterAreUnequalAndHashApart() {
        IvfspConfig base = IvfspConfig.builder().codeNum(4096).trainBatchSize(4096).build();
        Set<Integer> hashes = new HashSet<>(List.of(base.hashCode()));
        // Every parameter but cores, which has one valid value, changed to another valid value.
        int[] other = {128, 64, 512, 64, 8192, 8192, -1, 5};
        for (IvfspParameter p : IvfspParameter.values()) {
            if (p == IvfspParameter.CORES) {
                continue;
            }
            IvfspConfig changed = base.toBuilder().set(p, other[p.ordinal()]).build();

            assertThat(changed).as(p.property()).isNotEqualTo(base);
            assertThat(changed.get(p)).isEqualTo(other[p.ordinal()]);
            hashes.add(changed.hashCode());
        }
        assertThat(hashes).as("distinct hash codes").hasSize(IvfspParameter.values().length);
        assertThat(base).isEqualTo(base.toBuilder().build()).isNotEqualTo("IvfspConfig").isNotEqualTo(null);
    }

    @Test
    void builderToStringShowsWhatWasSetEvenIfInvalid() {
        assertThat(IvfspConfig.builder().dim(100).processId(-1))
                .hasToString("IvfspConfig.Builder{dim=100, nonzeroNum=32, nlist=1024, handleBatch=32, codeNum=32768,"
                        + " trainBatchSize=32768, cores=8, processId=-1, socVersion=Ascend310P3}");
    }

    @Test
    void setBySetterOrByParameterIsTheSame() {
        IvfspConfig.Builder bySetters = IvfspConfig.builder().dim(128).nonzeroNum(64).nlist(512).handleBatch(48)
                .codeNum(256).trainBatchSize(16).cores(8).processId(2);
        IvfspConfig.Builder byParameter = IvfspConfig.builder();
        for (IvfspParameter p : IvfspParameter.values()) {
            assertThat(byParameter.set(p, bySetters.build().get(p))).isSameAs(byParameter);
        }

        assertThat(byParameter.build()).isEqualTo(bySetters.build());
        assertThatThrownBy(() -> byParameter.set(null, 1)).isInstanceOf(NullPointerException.class)
                .hasMessage("parameter");
    }

    @Test
    void modelSetsAreFoundByTheirCliNames() {
        for (ModelSet set : ModelSet.values()) {
            assertThat(ModelSet.fromCliName(set.cliName())).isSameAs(set);
        }
        assertThat(ModelSet.AICPU.cliName()).isEqualTo("aicpu");
        assertThatThrownBy(() -> ModelSet.fromCliName("Service")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model set: 'Service', expected one of service, aicpu, training");
    }

    @Test
    void violationPrintsFlagPropertyValueAndRule() {
        ConfigViolation v = new ConfigViolation(IvfspParameter.NONZERO_NUM, 40, "must be a multiple of 16");

        assertThat(v).hasToString("-nonzero_num (nonzeroNum) = 40: must be a multiple of 16");
        assertThat(v.message()).isEqualTo(v.toString());
        assertThatThrownBy(() -> new ConfigViolation(null, 1, "x")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new ConfigViolation(IvfspParameter.DIM, 1, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void invalidConfigExceptionNeedsAViolationAndCountsThem() {
        ConfigViolation v = new ConfigViolation(IvfspParameter.DIM, 1, "must be one of [64]");

        assertThat(new InvalidConfigException(List.of(v))).hasMessageStartingWith("invalid IVFSP configuration (1 violation)")
                .hasMessageEndingWith("  -d (dim) = 1: must be one of [64]");
        assertThatThrownBy(() -> new InvalidConfigException(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("an invalid configuration needs at least one violation");
    }
}
