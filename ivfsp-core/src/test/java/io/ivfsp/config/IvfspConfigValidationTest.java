package io.ivfsp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;

/**
 * One test per rule, each at its boundaries: the last valid value builds, the first invalid one is
 * reported with the flag, the property, the value and what is allowed.
 */
class IvfspConfigValidationTest {

    private static final Set<ModelSet> ALL = EnumSet.allOf(ModelSet.class);

    private static IvfspConfig valid(UnaryOperator<IvfspConfig.Builder> change) {
        return change.apply(IvfspConfig.builder()).buildFor(ALL);
    }

    private static ConfigViolation invalid(Set<ModelSet> sets, UnaryOperator<IvfspConfig.Builder> change) {
        IvfspConfig.Builder b = change.apply(IvfspConfig.builder());
        InvalidConfigException e = (InvalidConfigException) org.assertj.core.api.Assertions
                .catchThrowable(() -> b.buildFor(sets));
        assertThat(e).as("expected the configuration to be rejected").isNotNull();
        assertThat(e.violations()).hasSize(1);
        ConfigViolation v = e.violations().get(0);
        assertThat(e.getMessage()).contains(v.flag()).contains(v.property()).contains(String.valueOf(v.value()));
        return v;
    }

    private static ConfigViolation invalid(UnaryOperator<IvfspConfig.Builder> change) {
        return invalid(EnumSet.noneOf(ModelSet.class), change);
    }

    @Test
    void defaults_areTheDocumentedOnesAndValidForEverySet() {
        IvfspConfig c = valid(b -> b);

        assertThat(c.dim()).isEqualTo(256);
        assertThat(c.nonzeroNum()).isEqualTo(32);
        assertThat(c.nlist()).isEqualTo(1024);
        assertThat(c.handleBatch()).isEqualTo(32);
        assertThat(c.codeNum()).isEqualTo(32768);
        assertThat(c.trainBatchSize()).isEqualTo(32768);
        assertThat(c.cores()).isEqualTo(8);
        assertThat(c.processId()).isZero();
        assertThat(c.socVersion()).isEqualTo("Ascend310P3");
    }

    @Test
    void dim_smallestAndLargestAllowed() {
        assertThat(valid(b -> b.dim(64).nonzeroNum(64)).dim()).isEqualTo(64);
        assertThat(valid(b -> b.dim(768).nlist(2048)).dim()).isEqualTo(768);
    }

    @Test
    void dim_outsideOrBetweenTheAllowedValues() {
        for (int dim : new int[] {63, 769, 384, 0, -256}) {
            ConfigViolation v = invalid(b -> b.dim(dim).nonzeroNum(16));
            assertThat(v.parameter()).isEqualTo(IvfspParameter.DIM);
            assertThat(v.flag()).isEqualTo("-d");
            assertThat(v.value()).isEqualTo(dim);
            assertThat(v.rule()).contains("[64, 128, 256, 512, 768]");
        }
    }

    @Test
    void nonzeroNum_smallestMultipleOf16() {
        assertThat(valid(b -> b.nonzeroNum(16)).nonzeroNum()).isEqualTo(16);
    }

    @Test
    void nonzeroNum_zeroAndNegativeMultiplesOf16AreRejected() {
        for (int z : new int[] {0, -16}) {
            ConfigViolation v = invalid(b -> b.nonzeroNum(z));
            assertThat(v.flag()).isEqualTo("-nonzero_num");
            assertThat(v.rule()).contains("positive multiple of 16");
        }
    }

    @Test
    void nonzeroNum_notAMultipleOf16() {
        ConfigViolation v = invalid(b -> b.nonzeroNum(17));

        assertThat(v.parameter()).isEqualTo(IvfspParameter.NONZERO_NUM);
        assertThat(v.rule()).contains("multiple of 16").contains("at most 128");
    }

    @Test
    void nonzeroNum_atMostDim() {
        assertThat(valid(b -> b.dim(64).nonzeroNum(64)).nonzeroNum()).isEqualTo(64);

        ConfigViolation v = invalid(b -> b.dim(64).nonzeroNum(80));
        assertThat(v.value()).isEqualTo(80);
        assertThat(v.rule()).contains("at most 64");
    }

    @Test
    void nonzeroNum_atMost128() {
        assertThat(valid(b -> b.nonzeroNum(128)).nonzeroNum()).isEqualTo(128);

        ConfigViolation v = invalid(b -> b.nonzeroNum(144));
        assertThat(v.rule()).contains("at most 128");
    }

    @Test
    void nlist_smallestAndLargestAllowed() {
        assertThat(valid(b -> b.nlist(256)).nlist()).isEqualTo(256);
        assertThat(valid(b -> b.nlist(16384)).nlist()).isEqualTo(16384);
    }

    @Test
    void nlist_outsideOrBetweenTheAllowedValues() {
        for (int nlist : new int[] {128, 32768, 1000}) {
            ConfigViolation v = invalid(b -> b.nlist(nlist));
            assertThat(v.flag()).isEqualTo("-nlist");
            assertThat(v.rule()).contains("[256, 512, 1024, 2048, 4096, 8192, 16384]");
        }
    }

    @Test
    void nlist_atMost2048ForLargeDims() {
        for (int dim : new int[] {512, 768}) {
            assertThat(valid(b -> b.dim(dim).nlist(2048)).nlist()).isEqualTo(2048);

            ConfigViolation v = invalid(b -> b.dim(dim).nlist(4096));
            assertThat(v.rule()).contains("[256, 512, 1024, 2048]").contains("-d is " + dim);
        }
        assertThat(valid(b -> b.dim(256).nlist(4096)).nlist()).isEqualTo(4096);
    }

    @Test
    void handleBatch_checkedOnlyForTheServiceSet() {
        IvfspConfig c = IvfspConfig.builder().handleBatch(0).buildFor(ModelSet.AICPU, ModelSet.TRAINING);

        assertThat(c.handleBatch()).isZero();
        assertThat(c.violationsFor(EnumSet.of(ModelSet.SERVICE)))
                .extracting(ConfigViolation::parameter).containsExactly(IvfspParameter.HANDLE_BATCH);
    }

    @Test
    void handleBatch_range16To240() {
        assertThat(valid(b -> b.handleBatch(16)).handleBatch()).isEqualTo(16);
        assertThat(valid(b -> b.handleBatch(240)).handleBatch()).isEqualTo(240);

        for (int hb : new int[] {0, 256}) {
            ConfigViolation v = invalid(EnumSet.of(ModelSet.SERVICE), b -> b.handleBatch(hb));
            assertThat(v.flag()).isEqualTo("-handle_batch");
            assertThat(v.rule()).contains("multiple of 16 from 16 to 240");
        }
    }

    @Test
    void handleBatch_notAMultipleOf16() {
        ConfigViolation v = invalid(EnumSet.of(ModelSet.SERVICE), b -> b.handleBatch(24));

        assertThat(v.value()).isEqualTo(24);
    }

    @Test
    void codeNum_smallestMultipleOf128() {
        assertThat(valid(b -> b.codeNum(128)).codeNum()).isEqualTo(128);
    }

    @Test
    void codeNum_zeroNegativeAndNonMultiplesOf128() {
        for (int c : new int[] {0, -128, 100, 64, 32768 + 16}) {
            ConfigViolation v = invalid(b -> b.codeNum(c));
            assertThat(v.flag()).isEqualTo("-code_num");
            assertThat(v.rule()).contains("positive multiple of 128");
        }
    }

    @Test
    void codeNum_atMost32768ForTraining() {
        assertThat(valid(b -> b.codeNum(32768)).codeNum()).isEqualTo(32768);
        assertThat(IvfspConfig.builder().codeNum(32768 + 128).buildFor(ModelSet.SERVICE).codeNum()).isEqualTo(32896);

        ConfigViolation v = invalid(EnumSet.of(ModelSet.TRAINING), b -> b.codeNum(32768 + 128));
        assertThat(v.rule()).contains("at most 32768");
    }

    @Test
    void trainBatchSize_range() {
        assertThat(valid(b -> b.trainBatchSize(16)).trainBatchSize()).isEqualTo(16);
        assertThat(valid(b -> b.trainBatchSize(32768)).trainBatchSize()).isEqualTo(32768);

        for (int batch : new int[] {0, -16, 24, 32768 + 16}) {
            ConfigViolation v = invalid(EnumSet.of(ModelSet.TRAINING), b -> b.trainBatchSize(batch));
            assertThat(v.flag()).isEqualTo("-batch_size");
            assertThat(v.rule()).contains("positive multiple of 16, at most 32768");
        }
    }

    @Test
    void trainBatchSize_checkedOnlyForTheTrainingSet() {
        assertThat(IvfspConfig.builder().trainBatchSize(0).buildFor(ModelSet.SERVICE, ModelSet.AICPU)
                .trainBatchSize()).isZero();
    }

    @Test
    void cores_onlyEight() {
        assertThat(valid(b -> b.cores(8)).cores()).isEqualTo(8);

        for (int cores : new int[] {2, 7, 9}) {
            ConfigViolation v = invalid(b -> b.cores(cores));
            assertThat(v.flag()).isEqualTo("--cores");
            assertThat(v.rule()).contains("must be 8").contains("310P").contains("Ascend310P3");
        }
    }

    @Test
    void processId_notNegative() {
        assertThat(valid(b -> b.processId(0)).processId()).isZero();

        ConfigViolation v = invalid(b -> b.processId(-1));
        assertThat(v.flag()).isEqualTo("-p");
        assertThat(v.rule()).contains("not be negative");
    }

    @Test
    void violations_allReportedTogetherInParameterOrder() {
        IvfspConfig.Builder b = IvfspConfig.builder().dim(100).nonzeroNum(17).nlist(3).handleBatch(7)
                .codeNum(100).trainBatchSize(5).cores(2).processId(-1);

        assertThatThrownBy(() -> b.buildFor(EnumSet.allOf(ModelSet.class)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> {
                    assertThat(e.violations()).extracting(ConfigViolation::parameter)
                            .containsExactly(IvfspParameter.values());
                    assertThat(e.getMessage()).startsWith("invalid IVFSP configuration (8 violations)")
                            .contains("-d (dim) = 100").contains("-nonzero_num (nonzeroNum) = 17")
                            .contains("-nlist (nlist) = 3").contains("-handle_batch (handleBatch) = 7")
                            .contains("-code_num (codeNum) = 100").contains("-batch_size (trainBatchSize) = 5")
                            .contains("--cores (cores) = 2").contains("-p (processId) = -1");
                });
    }

    @Test
    void build_doesNotChangeTheBuilderAndCanBeCalledAgain() {
        IvfspConfig.Builder b = IvfspConfig.builder().dim(128);

        assertThat(b.build()).isEqualTo(b.build()).isNotSameAs(b.build());
    }

    @Test
    void toBuilder_roundTripsEveryValue() {
        IvfspConfig c = IvfspConfig.builder().dim(768).nonzeroNum(128).nlist(2048).handleBatch(240)
                .codeNum(16384).trainBatchSize(4096).processId(3).build();

        assertThat(c.toBuilder().build()).isEqualTo(c).hasSameHashCodeAs(c);
        assertThat(c.toBuilder().processId(4).build()).isNotEqualTo(c);
    }

    @Test
    void toString_showsEveryValue() {
        assertThat(IvfspConfig.builder().dim(128).build().toString())
                .isEqualTo("IvfspConfig{dim=128, nonzeroNum=32, nlist=1024, handleBatch=32, codeNum=32768,"
                        + " trainBatchSize=32768, cores=8, processId=0, socVersion=Ascend310P3}");
    }
}
