package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/** The batching decision for given costs: merge only when the predicted makespan gets shorter. */
class BatchingTest {

    /** A job: its name, predicted seconds alone (start-up included), ops, million elements, batchable. */
    record J(String name, double seconds, int ops, double melem, boolean batchable) {
    }

    private static final Function<J, Batching.Item> ITEM = j -> new Batching.Item(j.seconds(), j.ops(), j.melem(),
            j.batchable(), "set");

    private static List<J> smalls(int n, double startup, double work) {
        List<J> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(new J("s" + i, startup + work, 1, 0.1, true));
        }
        return jobs;
    }

    private static List<J> members(Batching.Plan<J> plan) {
        List<J> all = new ArrayList<>();
        plan.tasks().forEach(t -> all.addAll(t.jobs()));
        return all;
    }

    @Test
    void startUpDominatedSmallJobsShareCallsAndThePredictedMakespanShrinks() {
        List<J> jobs = smalls(32, 4.0, 0.1);

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 4.0, 16, BatchingMode.AUTO, false);

        assertThat(plan.batched()).isTrue();
        assertThat(plan.tasks().size()).isLessThanOrEqualTo(16);
        assertThat(plan.predicted()).isLessThan(plan.unbatched() * 0.7);
        assertThat(members(plan)).containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void whenTheLongestJobBoundsTheMakespanNothingIsMerged() {
        List<J> jobs = new ArrayList<>(smalls(20, 4.0, 0.1));
        jobs.add(new J("long", 20, 1, 50, true));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 4.0, 16, BatchingMode.AUTO, false);

        assertThat(plan.batched()).isFalse();
        assertThat(plan.tasks()).hasSize(21);
        assertThat(plan.tasks().get(0).jobs()).extracting(J::name).containsExactly("long");
    }

    @Test
    void theJobsThatBoundTheMakespanAreNeverSerialisedTogether() {
        List<J> jobs = new ArrayList<>(smalls(40, 2.0, 0.2));
        jobs.add(new J("big1", 9, 1, 20, true));
        jobs.add(new J("big2", 9, 1, 20, true));

        for (BatchingMode mode : List.of(BatchingMode.AUTO, BatchingMode.ALWAYS)) {
            Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 2.0, 8, mode, false);

            assertThat(plan.tasks()).noneMatch(t -> t.jobs().stream().filter(j -> j.name().startsWith("big")).count() > 1);
            assertThat(plan.tasks()).allSatisfy(t -> assertThat(t.predicted()).isLessThanOrEqualTo(plan.unbatched()));
        }
    }

    @Test
    void thePredictedMakespanNeverExceedsTheUnbatchedOne() {
        Random rnd = new Random(42);
        for (int round = 0; round < 300; round++) {
            double startup = rnd.nextDouble() * 5;
            List<J> jobs = new ArrayList<>();
            int n = 2 + rnd.nextInt(40);
            for (int i = 0; i < n; i++) {
                int ops = rnd.nextInt(5) == 0 ? 1 + rnd.nextInt(14) : 1;
                jobs.add(new J("j" + i, startup + rnd.nextDouble() * rnd.nextDouble() * 20, ops, rnd.nextDouble(), ops == 1));
            }
            int pool = 1 + rnd.nextInt(32);

            Batching.Plan<J> plan = Batching.plan(jobs, ITEM, startup, pool, BatchingMode.AUTO, false);

            assertThat(plan.predicted()).as("round %d", round).isLessThanOrEqualTo(plan.unbatched() + 1e-9);
            assertThat(members(plan)).as("round %d", round).containsExactlyInAnyOrderElementsOf(jobs);
            assertThat(plan.tasks()).allSatisfy(t -> assertThat(t.jobs().size() == 1 || t.jobs().stream()
                    .allMatch(J::batchable)).isTrue());
        }
    }

    @Test
    void jobsThatCannotShareStayAloneEvenWhenForced() {
        List<J> jobs = new ArrayList<>(smalls(6, 3.0, 0.1));
        jobs.add(new J("multi", 10, 14, 0, false));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 3.0, 2, BatchingMode.ALWAYS, false);

        assertThat(plan.batched()).isTrue();
        assertThat(plan.tasks()).filteredOn(t -> t.jobs().stream().anyMatch(j -> j.name().equals("multi")))
                .singleElement().satisfies(t -> assertThat(t.jobs()).hasSize(1));
    }

    @Test
    void neverKeepsOneCallPerJobLongestFirst() {
        List<J> jobs = new ArrayList<>(smalls(10, 4.0, 0.1));
        jobs.add(new J("long", 8, 1, 1, true));
        Collections.shuffle(jobs, new Random(1));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 4.0, 2, BatchingMode.NEVER, false);

        assertThat(plan.tasks()).hasSize(11).allSatisfy(t -> assertThat(t.jobs()).hasSize(1));
        assertThat(plan.tasks().get(0).jobs().get(0).name()).isEqualTo("long");
    }

    @Test
    void withGuessedCostsOneWorkerMergesEverythingItCan() {
        // One worker runs every call in sequence: a shared call saves a start-up whatever the costs.
        Batching.Plan<J> plan = Batching.plan(smalls(8, 3.0, 0.5), ITEM, 3.0, 1, BatchingMode.AUTO, true);

        assertThat(plan.tasks()).hasSize(1);
    }

    @Test
    void withGuessedCostsAWorkerPerJobMergesNothing() {
        // Every job starts at once: sharing a call can only serialise work, for some costs a lot.
        Batching.Plan<J> plan = Batching.plan(smalls(8, 3.0, 0.5), ITEM, 3.0, 8, BatchingMode.AUTO, true);

        assertThat(plan.batched()).isFalse();
    }

    @Test
    void forcedBatchingWithGuessedCostsStillMerges() {
        List<J> jobs = smalls(8, 3.0, 0.5);
        jobs.add(new J("wide", 3.0 + 6, 1, 40, true));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 3.0, 5, BatchingMode.ALWAYS, true);

        assertThat(plan.batched()).isTrue();
        assertThat(members(plan)).containsExactlyInAnyOrderElementsOf(jobs);
    }

    @Test
    void makespanIsListSchedulingLongestFirst() {
        List<Batching.Task<String>> tasks = List.of(new Batching.Task<>(List.of("a"), 5), new Batching.Task<>(List.of("b"), 4),
                new Batching.Task<>(List.of("c"), 3), new Batching.Task<>(List.of("d"), 3));

        assertThat(Batching.makespan(tasks, 2)).isEqualTo(8.0);
        assertThat(Batching.makespan(tasks, 4)).isEqualTo(5.0);
    }
}
