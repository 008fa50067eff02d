package io.ivfsp.generate;

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
 */
final class Batching {

    /** Predicted gain below which sharing is not worth the risk, with learned costs. */
    static final double LEARNED_MARGIN = 0.005;
    /** Predicted gain below which sharing is not worth the risk, with guessed costs. */
    static final double GUESSED_MARGIN = 0.03;
    /** Without measurements, a packing is used only if under every plausible cost it is within this of the best. */
    static final double GUESSED_TOLERANCE = 0.05;
    private static final int CAPACITY_STEPS = 32;
    /** Fewer capacities per plausible cost when guessing: dozens of costs are tried, and planning delays every call. */
    private static final int GUESSED_CAPACITY_STEPS = 8;

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
            return robustPlan(items, describe, parallelism, mode, none);
        }
        return best(items, startup, parallelism, mode, null, none, LEARNED_MARGIN, CAPACITY_STEPS);
    }

    /** The packing of shortest predicted makespan over a range of capacities (or {@code none}). */
    private static <J> Plan<J> best(Map<J, Item> items, double startup, int parallelism, BatchingMode mode, Hull hull,
                                    Plan<J> none, double margin, int steps) {
        double unbatched = none.predicted();
        double longest = none.tasks().isEmpty() ? 0 : none.tasks().get(0).predicted();

        Plan<J> best = null;
        double low = Math.max(startup, 1e-9);
        double high = Math.max(unbatched, low);
        List<Double> capacities = new ArrayList<>(List.of(longest, high));
        for (int k = 0; k <= steps; k++) {
            capacities.add(low * Math.pow(high / low, (double) k / steps));
        }
        for (double capacity : capacities) {
            if (capacity > high) {
                continue;
            }
            Plan<J> p = pack(items, startup, parallelism, capacity, hull, unbatched);
            if (!p.batched()) {
                continue;
            }
            // Shortest predicted makespan; of equals, fewer calls (less start-up burnt on the machine).
            if (best == null || p.predicted() < best.predicted() * (1 - 1e-9)
                    || (p.predicted() <= best.predicted() * (1 + 1e-9) && p.tasks().size() < best.tasks().size())) {
                best = p;
            }
        }
        if (best == null) {
            return none;
        }
        if (mode == BatchingMode.ALWAYS) {
            return best;
        }
        return best.predicted() <= unbatched * (1 - margin) ? best : none;
    }

    /**
     * Without measured costs: the packing whose worst ratio to the best packing found for each of a range
     * of plausible costs (start-up from a tenth of a second to ten, per-op and per-element costs from
     * small to large) is smallest; in {@code AUTO} only if that worst ratio is within
     * {@link #GUESSED_TOLERANCE} (whatever the costs turn out to be, it is hardly slower than the best
     * known) and below one call per job's.
     */
    private static <J> Plan<J> robustPlan(Map<J, Item> items, Function<J, Item> describe, int parallelism,
                                          BatchingMode mode, Plan<J> guessedNone) {
        List<double[]> scenarios = new ArrayList<>();
        for (double st : new double[]{0.1, 1, 4, 10}) {
            for (double a : new double[]{0.05, 0.5, 2}) {
                for (double b : new double[]{0.02, 0.2, 1}) {
                    scenarios.add(new double[]{st, a, b});
                }
            }
        }
        List<List<List<J>>> candidates = new ArrayList<>();
        candidates.add(guessedNone.tasks().stream().map(Task::jobs).toList());
        Hull hull = new Hull(items.values());
        for (double[] sc : scenarios) {
            Map<J, Item> under = rescore(items, sc);
            Plan<J> none = noBatching(under, parallelism);
            // Calls inside the hull cannot outlast the longest job whatever the costs; the others are judged by the scenarios.
            for (Hull h : new Hull[]{hull, null}) {
                Plan<J> p = best(under, sc[0], parallelism, BatchingMode.ALWAYS, h, none, 0, GUESSED_CAPACITY_STEPS);
                List<List<J>> calls = p.tasks().stream().map(Task::jobs).toList();
                if (p.batched() && !candidates.contains(calls)) {
                    candidates.add(calls);
                }
            }
        }
        // Each candidate's makespan under each scenario, the calls started longest first.
        double[][] spans = new double[candidates.size()][scenarios.size()];
        double[] bestOf = new double[scenarios.size()];
        java.util.Arrays.fill(bestOf, Double.POSITIVE_INFINITY);
        for (int c = 0; c < candidates.size(); c++) {
            for (int k = 0; k < scenarios.size(); k++) {
                double[] sc = scenarios.get(k);
                List<Task<J>> tasks = new ArrayList<>();
                for (List<J> call : candidates.get(c)) {
                    double sec = sc[0];
                    for (J j : call) {
                        Item it = items.get(j);
                        sec += sc[1] * it.ops() + sc[2] * it.millionElements();
                    }
                    tasks.add(new Task<>(call, sec));
                }
                tasks.sort(Comparator.comparingDouble((Task<J> t) -> t.predicted()).reversed());
                spans[c][k] = makespan(tasks, parallelism);
                bestOf[k] = Math.min(bestOf[k], spans[c][k]);
            }
        }
        int chosen = -1;
        double chosenRegret = Double.POSITIVE_INFINITY;
        double noneRegret = Double.POSITIVE_INFINITY;
        for (int c = 0; c < candidates.size(); c++) {
            double regret = 0;
            for (int k = 0; k < scenarios.size(); k++) {
                regret = Math.max(regret, spans[c][k] / bestOf[k]);
            }
            if (c == 0) {
                noneRegret = regret;
                continue;
            }
            if (regret < chosenRegret) {
                chosen = c;
                chosenRegret = regret;
            }
        }
        if (chosen < 0 || (mode == BatchingMode.AUTO && (chosenRegret > 1 + GUESSED_TOLERANCE
                || chosenRegret > noneRegret * (1 - GUESSED_MARGIN)))) {
            return guessedNone;
        }
        // Predictions and order under the guess the run starts with.
        List<Task<J>> tasks = new ArrayList<>();
        double startup = CostModel.STATIC.startup();
        for (List<J> call : candidates.get(chosen)) {
            double sec = call.size() == 1 ? items.get(call.get(0)).seconds() : startup;
            if (call.size() > 1) {
                for (J j : call) {
                    sec += Math.max(0, items.get(j).seconds() - startup);
                }
            }
            tasks.add(new Task<>(call, sec));
        }
        tasks.sort(Comparator.comparingDouble((Task<J> t) -> t.predicted()).reversed());
        return new Plan<>(tasks, makespan(tasks, parallelism), guessedNone.predicted());
    }

    private static <J> Map<J, Item> rescore(Map<J, Item> items, double[] sc) {
        Map<J, Item> m = new LinkedHashMap<>();
        items.forEach((j, it) -> m.put(j, new Item(sc[0] + sc[1] * it.ops() + sc[2] * it.millionElements(), it.ops(),
                it.millionElements(), it.batchable(), it.group())));
        return m;
    }

    private static <J> Plan<J> noBatching(Map<J, Item> items, int parallelism) {
        List<Task<J>> single = new ArrayList<>();
        items.forEach((j, it) -> single.add(new Task<>(List.of(j), it.seconds())));
        single.sort(Comparator.comparingDouble((Task<J> t) -> t.predicted()).reversed());
        double m = makespan(single, parallelism);
        return new Plan<>(single, m, m);
    }

    /** First-fit decreasing per group into calls of at most {@code capacity} predicted seconds. */
    private static <J> Plan<J> pack(Map<J, Item> items, double startup, int parallelism, double capacity, Hull hull,
                                    double unbatched) {
        List<Task<J>> tasks = new ArrayList<>();
        Map<String, List<J>> groups = new LinkedHashMap<>();
        for (Map.Entry<J, Item> e : items.entrySet()) {
            if (e.getValue().batchable()) {
                groups.computeIfAbsent(String.valueOf(e.getValue().group()), g -> new ArrayList<>()).add(e.getKey());
            } else {
                tasks.add(new Task<>(List.of(e.getKey()), e.getValue().seconds()));
            }
        }
        for (List<J> group : groups.values()) {
            group.sort(Comparator.comparingDouble((J j) -> items.get(j).seconds()).reversed());
            List<List<J>> bins = new ArrayList<>();
            List<double[]> loads = new ArrayList<>();  // seconds, ops, million elements
            for (J j : group) {
                Item it = items.get(j);
                double work = Math.max(0, it.seconds() - startup);
                int fit = -1;
                for (int b = 0; b < bins.size() && fit < 0; b++) {
                    double[] l = loads.get(b);
                    if (l[0] + work <= capacity
                            && (hull == null || hull.dominates(l[1] + it.ops(), l[2] + it.millionElements()))) {
                        fit = b;
                    }
                }
                if (fit < 0) {
                    bins.add(new ArrayList<>(List.of(j)));
                    loads.add(new double[]{Math.max(it.seconds(), startup), it.ops(), it.millionElements()});
                } else {
                    bins.get(fit).add(j);
                    double[] l = loads.get(fit);
                    l[0] += work;
                    l[1] += it.ops();
                    l[2] += it.millionElements();
                }
            }
            for (int b = 0; b < bins.size(); b++) {
                List<J> bin = bins.get(b);
                tasks.add(new Task<>(bin, bin.size() == 1 ? items.get(bin.get(0)).seconds() : loads.get(b)[0]));
            }
        }
        tasks.sort(Comparator.comparingDouble((Task<J> t) -> t.predicted()).reversed());
        return new Plan<>(tasks, makespan(tasks, parallelism), unbatched);
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

    /**
     * The points (ops, million elements) of the jobs as they are. A point below the upper convex hull of
     * theirs costs, under any a, b >= 0, at most a * ops + b * elements of some job.
     */
    private static final class Hull {
        private final double[] alphas;
        private final double[] maxima;

        Hull(java.util.Collection<Item> items) {
            double[][] p = items.stream().map(i -> new double[]{i.ops(), i.millionElements()}).toArray(double[][]::new);
            // The worst-case direction (a, b) = (alpha, 1 - alpha); max over jobs is convex in alpha, so checking
            // at the ends and at every crossing of two jobs' lines is exact.
            List<Double> as = new ArrayList<>(List.of(0.0, 1.0));
            for (int i = 0; i < p.length; i++) {
                for (int k = i + 1; k < p.length; k++) {
                    // alpha*oi + (1-alpha)*mi = alpha*ok + (1-alpha)*mk
                    double den = (p[i][0] - p[i][1]) - (p[k][0] - p[k][1]);
                    if (Math.abs(den) > 1e-12) {
                        double a = (p[k][1] - p[i][1]) / den;
                        if (a > 0 && a < 1) {
                            as.add(a);
                        }
                    }
                }
            }
            // Keep the ends and the breakpoints of the envelope (two jobs' lines at the maximum): at most one per job.
            List<double[]> kept = new ArrayList<>();
            for (double a : as.stream().mapToDouble(Double::doubleValue).distinct().sorted().toArray()) {
                double max = Double.NEGATIVE_INFINITY;
                int atMax = 0;
                for (double[] q : p) {
                    double v = a * q[0] + (1 - a) * q[1];
                    if (v > max * (1 + 1e-12) + 1e-15) {
                        max = v;
                        atMax = 1;
                    } else if (v >= max * (1 - 1e-12) - 1e-15) {
                        atMax++;
                    }
                }
                if (a == 0.0 || a == 1.0 || atMax >= 2) {
                    kept.add(new double[]{a, max});
                }
            }
            alphas = kept.stream().mapToDouble(k -> k[0]).toArray();
            maxima = kept.stream().mapToDouble(k -> k[1]).toArray();
        }

        boolean dominates(double ops, double millionElements) {
            for (int a = 0; a < alphas.length; a++) {
                if (alphas[a] * ops + (1 - alphas[a]) * millionElements > maxima[a] * (1 + 1e-9) + 1e-12) {
                    return false;
                }
            }
            return true;
        }
    }
}
