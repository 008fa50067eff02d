package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.util.List;

import org.junit.jupiter.api.Test;

/** The cost estimates of a file: its size as the model counts it, and what one call compiling it costs. */
class CostEstimateTest {

    private static OpDesc op(String type, TensorDesc in, TensorDesc out) {
        return new OpDesc(type, List.of(in), List.of(out));
    }

    @Test
    void elementsCountInputsAndOutputsAndADynamicDimensionCountsOne() {
        OpDesc fixed = new OpDesc("Add", List.of(TensorDesc.of(DataType.FLOAT16, 1000, 2000),
                TensorDesc.of(DataType.FLOAT16, 3)), List.of(TensorDesc.of(DataType.FLOAT16, 500)));
        OpDesc dynamic = op("Cast", TensorDesc.dynamic(DataType.FLOAT16, 3),
                new TensorDesc(DataType.FLOAT16, io.ivfsp.ops.Format.ND, List.of(-1L, 7L), List.of()));

        assertThat(JobCost.elements(fixed)).isEqualTo(2_000_000 + 3 + 500);
        assertThat(JobCost.elements(dynamic)).isEqualTo(1 + 7);
        OpFile file = new OpFile("two", ModelSet.SERVICE, List.of(fixed, dynamic));
        assertThat(CostModel.millionElements(file)).isCloseTo((2_000_503 + 8) / 1e6, within(1e-12));
    }

    @Test
    void aFileCostsOneStartUpItsOpsAndItsElements() {
        CostModel m = new CostModel(2.0, 0.25, 0.5, 7);
        OpFile file = new OpFile("f", ModelSet.AICPU, List.of(
                op("A", TensorDesc.of(DataType.FLOAT16, 1_000_000), TensorDesc.of(DataType.FLOAT16, 1_000_000)),
                op("B", TensorDesc.of(DataType.FLOAT16, 2_000_000), TensorDesc.of(DataType.FLOAT16, 1))));

        assertThat(m.predict(3, 4.0)).isEqualTo(2.0 + 0.75 + 2.0);
        assertThat(m.predict(file)).isCloseTo(2.0 + 2 * 0.25 + 0.5 * 4.000001, within(1e-9));
        assertThat(m.work(file)).isCloseTo(2 * 0.25 + 0.5 * 4.000001, within(1e-9));
        assertThat(m.learned()).isTrue();
    }

    @Test
    void coefficients_zeroIsAllowed() {
        CostModel free = new CostModel(0, 0, 0, 0);

        assertThat(free.predict(5, 9)).isZero();
    }

    @Test
    void coefficients_negativeOrNotANumberAreRefusedEach() {
        double[][] bad = {{-0.5, 0, 0}, {0, -1e-9, 0}, {0, 0, -2}, {Double.NaN, 0, 0}, {0, Double.NaN, 0},
                {0, 0, Double.NaN}};
        for (double[] b : bad) {
            assertThatThrownBy(() -> new CostModel(b[0], b[1], b[2], 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cost coefficients must be finite and non-negative: " + b[0] + ", " + b[1] + ", " + b[2]);
        }
    }

    @Test
    void fit_samplesWithoutElementsCountAndSamplesWithoutOpsOrTimeDoNot() {
        // Four good samples (one of them of zero elements) are enough to learn; the bad ones change nothing.
        List<CostModel.Sample> good = List.of(new CostModel.Sample(1, 0, 3.5), new CostModel.Sample(2, 1, 4.2),
                new CostModel.Sample(3, 2, 4.9), new CostModel.Sample(1, 3, 4.1));
        List<CostModel.Sample> withBad = new java.util.ArrayList<>(good);
        withBad.add(new CostModel.Sample(0, 1, 100));
        withBad.add(new CostModel.Sample(1, 1, 0));
        withBad.add(new CostModel.Sample(1, -1, 9));

        CostModel m = CostModel.fit(good);
        CostModel same = CostModel.fit(withBad);

        assertThat(m.samples()).isEqualTo(4);
        assertThat(m.learned()).isTrue();
        assertThat(same).isEqualTo(m);
        assertThat(CostModel.fit(good.subList(0, 3))).as("three samples are not enough").isEqualTo(CostModel.STATIC);
    }
    @Test
    void fit_aCoefficientTheSamplesPushBelowZeroIsHeldAtZeroAndTheOthersAreStillLearned() {
        // More elements look slightly faster here: a plain fit gives a negative per-element cost.
        List<CostModel.Sample> s = List.of(new CostModel.Sample(1, 0, 5), new CostModel.Sample(1, 10, 4.9),
                new CostModel.Sample(2, 0, 5.5), new CostModel.Sample(2, 10, 5.4), new CostModel.Sample(3, 5, 6));

        CostModel m = CostModel.fit(s);

        assertThat(m.learned()).isTrue();
        assertThat(m.samples()).isEqualTo(5);
        assertThat(m.perMillionElements()).isZero();
        assertThat(m.perOp()).isCloseTo(0.5, within(0.05));
        assertThat(m.startup()).isCloseTo(4.45, within(0.1));
    }
}
