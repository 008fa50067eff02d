package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The cost model learned from recorded compile times by least squares. */
class CostModelTest {

    private static List<CostModel.Sample> samples(double startup, double perOp, double perMelem, int[] ops, double[] melem) {
        List<CostModel.Sample> s = new ArrayList<>();
        for (int i = 0; i < ops.length; i++) {
            s.add(new CostModel.Sample(ops[i], melem[i], startup + perOp * ops[i] + perMelem * melem[i]));
        }
        return s;
    }

    @Test
    void recoversStartUpAndPerOpCostsFromJobsOfDifferentSizes() {
        CostModel m = CostModel.fit(samples(4.0, 0.1, 0.3, new int[]{1, 1, 1, 14, 3, 1, 1},
                new double[]{0.1, 50, 2, 0.0001, 0.5, 17, 0}));

        assertThat(m.learned()).isTrue();
        assertThat(m.samples()).isEqualTo(7);
        assertThat(m.startup()).isCloseTo(4.0, within(1e-3));
        assertThat(m.perOp()).isCloseTo(0.1, within(1e-3));
        assertThat(m.perMillionElements()).isCloseTo(0.3, within(1e-3));
    }

    @Test
    void singleOpJobsOnlyStillPredictThemAndSplitTheConstantByTheGuess() {
        // Start-up and per-op cost cannot be told apart when every call had one op.
        CostModel m = CostModel.fit(samples(3.5, 1.0, 0.2, new int[]{1, 1, 1, 1, 1}, new double[]{0, 1, 5, 20, 50}));

        assertThat(m.predict(1, 10)).isCloseTo(3.5 + 1.0 + 2.0, within(1e-3));
        assertThat(m.startup() + m.perOp()).isCloseTo(4.5, within(1e-3));
        assertThat(m.startup() / (m.startup() + m.perOp()))
                .isCloseTo(CostModel.STATIC.startup() / (CostModel.STATIC.startup() + CostModel.STATIC.perOp()), within(0.05));
    }

    @Test
    void coefficientsAreNeverNegative() {
        // Noise that a plain fit would explain with a negative per-element cost.
        List<CostModel.Sample> s = List.of(new CostModel.Sample(1, 0, 5), new CostModel.Sample(1, 10, 4.9),
                new CostModel.Sample(2, 0, 5.5), new CostModel.Sample(2, 10, 5.4), new CostModel.Sample(3, 5, 6));

        CostModel m = CostModel.fit(s);

        assertThat(m.startup()).isNotNegative();
        assertThat(m.perOp()).isNotNegative();
        assertThat(m.perMillionElements()).isNotNegative();
        assertThat(m.perOp()).isCloseTo(0.5, within(0.05));
    }

    @Test
    void tooFewOrNonsensicalSamplesGiveTheStaticGuess() {
        assertThat(CostModel.fit(List.of())).isEqualTo(CostModel.STATIC);
        assertThat(CostModel.fit(List.of(new CostModel.Sample(1, 1, 3), new CostModel.Sample(1, 2, 3.5))))
                .isEqualTo(CostModel.STATIC);
        assertThat(CostModel.fit(List.of(new CostModel.Sample(1, 1, Double.NaN), new CostModel.Sample(1, 1, -1),
                new CostModel.Sample(0, 1, 3), new CostModel.Sample(1, Double.POSITIVE_INFINITY, 3))))
                .isEqualTo(CostModel.STATIC);
        assertThat(CostModel.STATIC.learned()).isFalse();
    }

    @Test
    void negativeCoefficientsAreRefused() {
        assertThatThrownBy(() -> new CostModel(-1, 0, 0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("non-negative");
    }

    @Test
    void fourMeasurementsAreEnoughAndWhatCannotBeAMeasurementIsLeftOut() {
        // Four real calls (one of no tensor elements at all), and calls no compiler can have made: no op,
        // no time, negative, infinite or unknown sizes and times.
        List<CostModel.Sample> s = new ArrayList<>(samples(2.0, 0.5, 1.0, new int[]{1, 2, 5, 3}, new double[]{0, 4, 1, 10}));
        s.add(new CostModel.Sample(0, 1, 100));
        s.add(new CostModel.Sample(1, 1, 0));
        s.add(new CostModel.Sample(1, -1, 100));
        s.add(new CostModel.Sample(1, Double.NaN, 100));
        s.add(new CostModel.Sample(1, Double.POSITIVE_INFINITY, 100));
        s.add(new CostModel.Sample(1, 1, Double.POSITIVE_INFINITY));

        CostModel m = CostModel.fit(s);

        assertThat(m.samples()).isEqualTo(CostModel.MIN_SAMPLES).isEqualTo(4);
        assertThat(m.startup()).isCloseTo(2.0, within(1e-3));
        assertThat(m.perOp()).isCloseTo(0.5, within(1e-3));
        assertThat(m.perMillionElements()).isCloseTo(1.0, within(1e-3));
    }

    @Test
    void callsThatTookLessTheMoreTheyDidAreExplainedByAStartUpAloneNotByNegativeCosts() {
        // More ops and more elements, less time: only a start-up (the mean) fits with no cost negative.
        List<CostModel.Sample> s = List.of(new CostModel.Sample(1, 0, 10), new CostModel.Sample(2, 0, 9),
                new CostModel.Sample(1, 5, 9), new CostModel.Sample(2, 5, 8));

        CostModel m = CostModel.fit(s);

        assertThat(m.startup()).isCloseTo(9.0, within(1e-3));
        assertThat(m.perOp()).isCloseTo(0.0, within(1e-3));
        assertThat(m.perMillionElements()).isCloseTo(0.0, within(1e-3));
    }
}
