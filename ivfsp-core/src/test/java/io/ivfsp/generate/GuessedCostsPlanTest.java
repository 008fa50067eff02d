package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** The batching plan without measured costs (the static guess): what it shares, and what it predicts. */
class GuessedCostsPlanTest {

    record J(String name, double seconds, int ops, double melem, boolean batchable) {
    }

    private static final Function<J, Batching.Item> ITEM = j -> new Batching.Item(j.seconds(), j.ops(), j.melem(),
            j.batchable(), "set");

    private static final double STARTUP = CostModel.STATIC.startup();

    /** n single-op jobs priced by the static guess, of {@code melem} million elements each. */
    private static List<J> smalls(int n, double melem) {
        List<J> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new J("s" + i, CostModel.STATIC.predict(1, melem), 1, melem, true));
        }
        return jobs;
    }

    @Test
    void theSharedCallIsPredictedByTheStaticGuessOneStartUpForAll() {
        List<J> jobs = smalls(8, 1.0);
        double alone = CostModel.STATIC.predict(1, 1.0);

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, STARTUP, 1, BatchingMode.AUTO, true);

        assertThat(plan.tasks()).singleElement().satisfies(t -> {
            assertThat(t.jobs()).containsExactlyInAnyOrderElementsOf(jobs);
            assertThat(t.predicted()).isCloseTo(STARTUP + 8 * (alone - STARTUP), within(1e-9));
        });
        assertThat(plan.predicted()).isCloseTo(STARTUP + 8 * (alone - STARTUP), within(1e-9));
        assertThat(plan.unbatched()).isCloseTo(8 * alone, within(1e-9));
    }

    @Test
    void jobsThatCannotShareGiveOneCallPerJobEvenWhenForced() {
        List<J> jobs = List.of(new J("a", 10, 14, 1, false), new J("b", 5, 3, 1, false), new J("c", 7, 2, 1, false));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, STARTUP, 1, BatchingMode.ALWAYS, true);

        assertThat(plan.batched()).isFalse();
        assertThat(plan.tasks()).extracting(t -> t.jobs().get(0).name()).containsExactly("a", "c", "b");
        assertThat(plan.predicted()).isEqualTo(22.0).isEqualTo(plan.unbatched());
    }

    @Test
    void forcedSharingOnAWorkerPerJobStillSharesAndKeepsOtherJobsAlone() {
        List<J> jobs = new ArrayList<>(smalls(8, 0.5));
        jobs.add(new J("multi", 20, 14, 2, false));

        Batching.Plan<J> auto = Batching.plan(jobs, ITEM, STARTUP, 9, BatchingMode.AUTO, true);
        Batching.Plan<J> forced = Batching.plan(jobs, ITEM, STARTUP, 9, BatchingMode.ALWAYS, true);

        assertThat(auto.batched()).isFalse();
        assertThat(forced.batched()).isTrue();
        assertThat(forced.tasks().get(0).jobs()).extracting(J::name).containsExactly("multi");
        assertThat(forced.tasks().get(0).predicted()).isEqualTo(20.0);
        assertThat(forced.tasks()).allSatisfy(t -> assertThat(t.predicted()).isLessThanOrEqualTo(20.0));
        assertThat(forced.unbatched()).isEqualTo(20.0);
    }
}
