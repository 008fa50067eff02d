package io.ivfsp.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.ConfigViolation;
import io.ivfsp.config.InvalidConfigException;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import java.util.EnumSet;
import java.util.List;

import org.junit.jupiter.api.Test;

class OpCatalogTest {

    private static final IvfspConfig DEFAULTS = IvfspConfig.defaults();

    @Test
    void serviceFilesComeInReferenceOrder() {
        List<String> names = OpCatalog.plan(DEFAULTS, ModelSet.SERVICE).files().stream().map(OpFile::name).toList();

        assertThat(names).hasSize(27);
        assertThat(names.subList(0, 3)).containsExactly("ivf_cid_filter3_op32_pid0",
                "distance_masked_ivf_sp_int_l2_mins_op1_pid0", "distance_ivf_sp_int_l2_mins_op1_pid0");
        assertThat(names.subList(3, 10)).containsExactly("distance_compute_qc_op1024_pid0",
                "distance_compute_qc_op32_pid0", "distance_compute_qc_op16_pid0", "distance_compute_qc_op8_pid0",
                "distance_compute_qc_op4_pid0", "distance_compute_qc_op2_pid0", "distance_compute_qc_op1_pid0");
        assertThat(names.get(10)).isEqualTo("fp_to_fp16_op_1024_pid0");
        assertThat(names.get(26)).isEqualTo("fp_to_fp16_op_1_pid0");
    }

    @Test
    void trainingFilesComeInReferenceOrder() {
        assertThat(OpCatalog.plan(DEFAULTS, ModelSet.TRAINING).files()).extracting(OpFile::name).containsExactly(
                "matmul_compute_ata_op32768_pid0", "matmul_compute_qc_op32768_pid0",
                "matmul_compute_cb_op32768_pid0", "distance_compute_qc_op32768_pid0");
    }

    @Test
    void aicpuIsOneFileOfFourteenOps() {
        List<OpFile> files = OpCatalog.plan(DEFAULTS, ModelSet.AICPU).files();

        assertThat(files).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("aicpu_topk_ops0");
            assertThat(f.ops()).hasSize(14);
            assertThat(f.omFileNames()).hasSize(14).doesNotHaveDuplicates();
        });
    }

    @Test
    void allSetsTogetherYieldFortyFiveModelsInSetOrder() {
        ModelPlan plan = OpCatalog.plan(DEFAULTS, EnumSet.allOf(ModelSet.class));

        assertThat(plan.modelCount()).isEqualTo(27 + 14 + 4);
        assertThat(plan.files()).extracting(OpFile::set).isSortedAccordingTo(Enum::compareTo);
        assertThat(plan.files(ModelSet.TRAINING)).extracting(OpFile::outputDirectory).containsOnly("op_models_pyacl");
        assertThat(plan.files(ModelSet.AICPU)).extracting(OpFile::outputDirectory).containsOnly("op_models");
    }

    @Test
    void trainingBatchSizeThatCollidesWithAServiceFileIsRenamedInACombinedPlan() {
        IvfspConfig config = IvfspConfig.builder().trainBatchSize(1024).build();

        ModelPlan plan = OpCatalog.plan(config, ModelSet.SERVICE, ModelSet.TRAINING);

        assertThat(plan.files()).extracting(OpFile::fileName).doesNotHaveDuplicates()
                .contains("distance_compute_qc_op1024_pid0.json", "distance_compute_qc_op1024_pid0_pyacl.json");
        OpFile training = plan.files(ModelSet.TRAINING).get(3);
        assertThat(training.ops().get(0).inputs().get(2).type()).isEqualTo(DataType.FLOAT16);
        // Alone, the training set keeps the reference name.
        assertThat(OpCatalog.plan(config, ModelSet.TRAINING).files().get(3).name())
                .isEqualTo("distance_compute_qc_op1024_pid0");
    }

    @Test
    void planChecksTheRulesOfTheSetsItCovers() {
        IvfspConfig config = IvfspConfig.builder().handleBatch(8).trainBatchSize(40000).build();

        assertThat(OpCatalog.plan(config, ModelSet.AICPU).files()).hasSize(1);
        assertThatThrownBy(() -> OpCatalog.plan(config, ModelSet.SERVICE))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
                        .extracting(ConfigViolation::parameter).containsExactly(IvfspParameter.HANDLE_BATCH));
        assertThatThrownBy(() -> OpCatalog.plan(config, EnumSet.allOf(ModelSet.class)))
                .isInstanceOfSatisfying(InvalidConfigException.class, e -> assertThat(e.violations())
                        .extracting(ConfigViolation::parameter)
                        .containsExactly(IvfspParameter.HANDLE_BATCH, IvfspParameter.TRAIN_BATCH_SIZE));
    }

    @Test
    void largeShapesDoNotOverflow() {
        IvfspConfig config = IvfspConfig.builder().dim(256).nonzeroNum(128).nlist(16384)
                .codeNum(1 << 30).handleBatch(240).build();

        OpFile masked = OpCatalog.plan(config, ModelSet.SERVICE).files().get(1);

        assertThat(masked.ops().get(0).inputs().get(2).shape()).containsExactly((1L << 30) * 128);
        assertThat(masked.json()).contains("[137438953472]");
    }

    @Test
    void planNeedsAtLeastOneSet() {
        assertThatThrownBy(() -> OpCatalog.plan(DEFAULTS, EnumSet.noneOf(ModelSet.class)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one model set");
    }
}
