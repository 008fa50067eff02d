package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

/**
 * The choices of the batching planner at their edges: the smallest gain worth sharing a call for, the
 * fewest calls among equal makespans, two jobs, sets kept apart, and the convex hull that bounds a shared
 * call whatever the costs.
 */
class PackingChoiceTest {

    /** A job: name, predicted seconds alone, ops, million elements, batchable, set. */
    record J(String name, double seconds, int ops, double melem, boolean batchable, String set) {
        J(String name, double seconds) {
            this(name, seconds, 1, 0.1, true, "set");
        }
    }

    private static final Function<J, Batching.Item> ITEM = j -> new Batching.Item(j.seconds(), j.ops(), j.melem(),
            j.batchable(), j.set());

    private static List<String> calls(Batching.Plan<J> plan) {
        return plan.tasks().stream().map(t -> String.join("+", t.jobs().stream().map(J::name).toList())).toList();
    }

    @Test
    void twoJobsOnOneWorkerShareACallAndSaveAStartUp() {
        Batching.Plan<J> plan = Batching.plan(List.of(new J("a", 4), new J("b", 4)), ITEM, 3.0, 1, BatchingMode.AUTO, false);

        assertThat(plan.tasks()).singleElement().satisfies(t -> {
            assertThat(t.jobs()).extracting(J::name).containsExactlyInAnyOrder("a", "b");
            assertThat(t.predicted()).isEqualTo(3.0 + 1 + 1);
        });
        assertThat(plan.predicted()).isEqualTo(5.0);
        assertThat(plan.unbatched()).isEqualTo(8.0);
    }

    @Test
    void oneJobIsOneCall() {
        Batching.Plan<J> plan = Batching.plan(List.of(new J("a", 4)), ITEM, 3.0, 1, BatchingMode.ALWAYS, false);

        assertThat(calls(plan)).containsExactly("a");
        assertThat(plan.predicted()).isEqualTo(4.0);
    }

    @Test
    void aGainBelowTheLearnedMarginIsNotWorthSharingUnlessForced() {
        // One worker: sharing saves one start-up of 0.2 % of the makespan (below the margin), or of 2 %.
        List<J> tiny = List.of(new J("a", 1.0), new J("b", 1.0));

        Batching.Plan<J> auto = Batching.plan(tiny, ITEM, 0.004, 1, BatchingMode.AUTO, false);
        Batching.Plan<J> forced = Batching.plan(tiny, ITEM, 0.004, 1, BatchingMode.ALWAYS, false);
        Batching.Plan<J> worth = Batching.plan(tiny, ITEM, 0.04, 1, BatchingMode.AUTO, false);

        assertThat(auto.batched()).isFalse();
        assertThat(auto.predicted()).isEqualTo(2.0);
        assertThat(forced.batched()).isTrue();
        assertThat(forced.predicted()).isCloseTo(2.0 - 0.004, within(1e-12));
        assertThat(worth.batched()).isTrue();
        assertThat(worth.predicted()).isCloseTo(2.0 - 0.04, within(1e-12));
        assertThat(Batching.LEARNED_MARGIN).isBetween(0.002, 0.02);
    }

    @Test
    void whenNoPackingShortensTheMakespanForcedSharingUsesTheFewestCalls() {
        // A long job that cannot share bounds the makespan whatever the rest does: AUTO keeps one call per job,
        // ALWAYS packs the small ones into as few calls as fit, here one.
        List<J> jobs = new ArrayList<>();
        jobs.add(new J("long", 100, 14, 5, false, "set"));
        for (int i = 0; i < 10; i++) {
            jobs.add(new J("s" + i, 4));
        }

        Batching.Plan<J> auto = Batching.plan(jobs, ITEM, 3.0, 4, BatchingMode.AUTO, false);
        Batching.Plan<J> forced = Batching.plan(jobs, ITEM, 3.0, 4, BatchingMode.ALWAYS, false);

        assertThat(auto.batched()).isFalse();
        assertThat(auto.tasks()).hasSize(11);
        assertThat(forced.predicted()).isEqualTo(100.0).isEqualTo(forced.unbatched());
        assertThat(forced.tasks()).hasSize(2);
        assertThat(forced.tasks().get(0).jobs()).extracting(J::name).containsExactly("long");
        assertThat(forced.tasks().get(1).jobs()).hasSize(10);
        assertThat(forced.tasks().get(1).predicted()).isCloseTo(3.0 + 10, within(1e-9));
    }

    @Test
    void jobsOfDifferentSetsNeverShareACall() {
        List<J> jobs = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            jobs.add(new J("a" + i, 4, 1, 0.1, true, "service"));
            jobs.add(new J("b" + i, 4, 1, 0.1, true, "training"));
        }

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 3.0, 1, BatchingMode.ALWAYS, false);

        assertThat(calls(plan)).hasSize(2).allSatisfy(c -> assertThat(c.replaceAll("[0-9+]", "")).matches("a+|b+"));
        assertThat(plan.predicted()).isCloseTo(2 * (3.0 + 4), within(1e-9));
    }

    @Test
    void aJobShorterThanTheStartUpStillCostsAWholeStartUpInASharedCall() {
        // Recorded times can be shorter than the learned start-up: a call costs at least one start-up.
        List<J> jobs = List.of(new J("a", 1.0), new J("b", 1.0), new J("c", 1.0));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 2.0, 1, BatchingMode.ALWAYS, false);

        assertThat(plan.tasks()).allSatisfy(t -> assertThat(t.predicted()).isGreaterThanOrEqualTo(
                t.jobs().size() == 1 ? 1.0 : 2.0));
        assertThat(plan.predicted()).isLessThanOrEqualTo(plan.unbatched());
    }

    @Test
    void callsStartLongestFirst() {
        List<J> jobs = List.of(new J("short", 3.5), new J("long", 30, 14, 1, false, "set"), new J("mid", 9, 2, 1, false, "set"));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 3.0, 2, BatchingMode.AUTO, false);

        assertThat(calls(plan)).containsExactly("long", "mid", "short");
        assertThat(plan.predicted()).isEqualTo(30.0);
    }

    @Test
    void aSharedCallLongerThanAJobAloneStartsBeforeIt() {
        List<J> jobs = new ArrayList<>(List.of(new J("alone", 3.5, 3, 1, false, "set")));
        for (int i = 0; i < 4; i++) {
            jobs.add(new J("s" + i, 4));
        }

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 3.0, 1, BatchingMode.ALWAYS, false);

        assertThat(calls(plan)).hasSize(2).last().isEqualTo("alone");
        assertThat(plan.tasks().get(0).predicted()).isEqualTo(3.0 + 4);
    }

    @Test
    void theLargestJobsOfASetArePlacedFirstSoThatSmallOnesFillTheGaps() {
        // Given small first: placed in that order, the two small jobs would share a call and the two large
        // ones each need their own, which gains nothing on two workers; largest first pairs each large job
        // with a small one.
        List<J> jobs = List.of(new J("c", 5), new J("d", 5), new J("a", 7), new J("b", 7));

        Batching.Plan<J> plan = Batching.plan(jobs, ITEM, 1.0, 2, BatchingMode.AUTO, false);

        assertThat(plan.unbatched()).isEqualTo(12.0);
        assertThat(plan.predicted()).isEqualTo(11.0);
        assertThat(plan.tasks()).hasSize(2).allSatisfy(t -> assertThat(t.jobs()).extracting(J::seconds)
                .containsExactly(7.0, 5.0));
    }

    @Test
    void makespanOfNoCallsIsZeroAndOfMoreWorkersThanCallsTheLongestCall() {
        assertThat(Batching.makespan(List.of(), 3)).isZero();
        assertThat(Batching.makespan(List.of(new Batching.Task<>(List.of("a"), 2.5), new Batching.Task<>(List.of("b"), 1)), 8))
                .isEqualTo(2.5);
        assertThat(Batching.makespan(List.of(new Batching.Task<>(List.of("a"), 2.5), new Batching.Task<>(List.of("b"), 1)), 1))
                .isEqualTo(3.5);
    }

    @Test
    void hull_containsTheJobsAndWhatLiesBelowTheirUpperHullOnly() {
        // Two jobs far out on each axis and one in the middle: the envelope has a corner at each crossing.
        Hull hull = new Hull(List.of(item(4, 0), item(0, 4), item(3, 3)));

        assertThat(hull.dominates(4, 0)).isTrue();
        assertThat(hull.dominates(0, 4)).isTrue();
        assertThat(hull.dominates(3, 3)).isTrue();
        assertThat(hull.dominates(2, 2)).isTrue();
        assertThat(hull.dominates(3.5, 1.5)).as("on the edge from (4,0) to (3,3)").isTrue();
        assertThat(hull.dominates(3.4, 3.4)).as("beyond the middle job, below the ends").isFalse();
        assertThat(hull.dominates(4.1, 0)).isFalse();
        assertThat(hull.dominates(0, 4.1)).isFalse();
        assertThat(hull.dominates(3.7, 2)).as("beyond the edge from (4,0) to (3,3)").isFalse();
    }

    @Test
    void hull_ofJobsOnALineIsThatSegment() {
        Hull hull = new Hull(List.of(item(1, 3), item(2, 2), item(3, 1)));

        assertThat(hull.dominates(2, 2)).isTrue();
        assertThat(hull.dominates(1.5, 2.5)).isTrue();
        assertThat(hull.dominates(2.2, 2.2)).isFalse();
        assertThat(hull.dominates(3, 1.1)).isFalse();
    }

    @Test
    void hull_ofOneJobIsWhatItDominates() {
        Hull hull = new Hull(List.of(item(2, 5)));

        assertThat(hull.dominates(2, 5)).isTrue();
        assertThat(hull.dominates(1, 1)).isTrue();
        assertThat(hull.dominates(2.01, 5)).isFalse();
        assertThat(hull.dominates(2, 5.01)).isFalse();
    }

    private static Batching.Item item(int ops, double melem) {
        return new Batching.Item(1, ops, melem, true, "set");
    }
}
