package io.ivfsp.generate;

import static io.ivfsp.generate.Packing.best;
import static io.ivfsp.generate.RobustChoice.robustPlan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Function;

/**
 * Chooses which jobs to compile together in one compiler call, to pay ATC's start-up once for
 * several small operators, from predicted costs: a call of several jobs costs one start-up plus the
 * work of each. It tries packings (first-fit decreasing, per set, into calls no longer than a
 * capacity, for a range of capacities), predicts each one's makespan by simulating the generator's own
 * list scheduling (longest predicted first onto the first free worker), and keeps one only when it
 * predicts a shorter makespan than one call per job. A call is never longer than its capacity, which
 * never exceeds the unbatched makespan: the jobs that bound the makespan are not serialised together.
 *
 * <p>Without measurements ({@code robust}), the costs are a guess: packings are then found for each of
 * a range of plausible costs, with and without the rule that a shared call stay below the convex hull
 * of the jobs' (op count, element count) points (so that under any costs start-up + a * ops + b *
 * elements, a, b >= 0, it takes no longer than the longest job), and the one whose worst ratio to the
 * best over all those costs is smallest is used, in {@code AUTO} only if that ratio is small.
 *
 * <p>This class holds the entry point, the types and the makespan prediction; the packing is in
 * {@link Packing}, the choice under guessed costs in {@link RobustChoice}, the convex hull in {@link Hull}.
 */
final class Batching {

    /** Predicted gain below which sharing is not worth the risk, with learned costs. */
    static final double LEARNED_MARGIN = 0.005;
    /** Predicted gain below which sharing is not worth the risk, with guessed costs. */
    static final double GUESSED_MARGIN = 0.03;
    /** Without measurements, a packing is used only if under every plausible cost it is within this of the best. */
    static final double GUESSED_TOLERANCE = 0.05;
    private static final int CAPACITY_STEPS = 32;

    private Batching() {
    }

    /**
     * What the planner needs to know of a job.
     *
     * @param seconds         its predicted seconds alone, one start-up included
     * @param ops             its op count
     * @param millionElements its tensor elements in millions
     * @param batchable       whether it may share a call (one op, so its model's name is known)
     * @param group           jobs share a call only within a group (one set: they share ATC's options)
     */
    record Item(double seconds, int ops, double millionElements, boolean batchable, Object group) {
    }

    /** One compiler call: its jobs and its predicted seconds. */
    record Task<J>(List<J> jobs, double predicted) {
        Task {
            jobs = List.copyOf(jobs);
        }
    }

    /**
     * The calls, in the order to start them (longest predicted first).
     *
     * @param tasks     the calls
     * @param predicted the predicted makespan of these calls
     * @param unbatched the predicted makespan of one call per job
     */
    record Plan<J>(List<Task<J>> tasks, double predicted, double unbatched) {
        Plan {
            tasks = List.copyOf(tasks);
        }

        /** Whether some call compiles several jobs. */
        boolean batched() {
            return tasks.stream().anyMatch(t -> t.jobs().size() > 1);
        }
    }

    /**
     * Plans the calls of {@code jobs} on {@code parallelism} workers.
     *
     * @param startup the predicted start-up seconds of one call
     * @param robust  whether the costs are a guess (no measurements): share only calls that cannot
     *                outlast the longest job whatever the real costs, and only for a larger gain
     */
    static <J> Plan<J> plan(List<J> jobs, Function<J, Item> describe, double startup, int parallelism,
                            BatchingMode mode, boolean robust) {
        // Planning looks jobs up thousands of times: by identity, whatever their equals and hashCode cost.
        List<Ref<J>> refs = jobs.stream().map(Ref::new).toList();
        Plan<Ref<J>> p = planRefs(refs, r -> describe.apply(r.job), startup, parallelism, mode, robust);
        return new Plan<>(p.tasks().stream().map(t -> new Task<>(t.jobs().stream().map(r -> r.job).toList(),
                t.predicted())).toList(), p.predicted(), p.unbatched());
    }

    /** A job compared by identity. */
    private static final class Ref<J> {
        final J job;

        Ref(J job) {
            this.job = job;
        }
    }

    private static <J> Plan<J> planRefs(List<J> jobs, Function<J, Item> describe, double startup, int parallelism,
                                        BatchingMode mode, boolean robust) {
        Map<J, Item> items = new LinkedHashMap<>();
        for (J j : jobs) {
            items.put(j, describe.apply(j));
        }
        List<Task<J>> single = new ArrayList<>();
        for (Map.Entry<J, Item> e : items.entrySet()) {
            single.add(new Task<>(List.of(e.getKey()), e.getValue().seconds()));
        }
        single.sort(Comparator.comparingDouble((Task<J> t) -> t.predicted()).reversed());
        double unbatched = makespan(single, parallelism);
        Plan<J> none = new Plan<>(single, unbatched, unbatched);
        if (mode == BatchingMode.NEVER || jobs.size() < 2) {
            return none;
        }
        if (robust) {
            return robustPlan(items, parallelism, mode, none);
        }
        return best(items, startup, parallelism, mode, null, none, LEARNED_MARGIN, CAPACITY_STEPS);
    }

    /**
     * The makespan of list scheduling: each call, in the given order, on the worker that is free first.
     * This is what the generator does, so it is the prediction of its makespan.
     */
    static double makespan(List<? extends Task<?>> ordered, int parallelism) {
        PriorityQueue<Double> free = new PriorityQueue<>();
        for (int w = 0; w < parallelism; w++) {
            free.add(0.0);
        }
        double end = 0;
        for (Task<?> t : ordered) {
            double done = free.poll() + t.predicted();
            end = Math.max(end, done);
            free.add(done);
        }
        return end;
    }
}
