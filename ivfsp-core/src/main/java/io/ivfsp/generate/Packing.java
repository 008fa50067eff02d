package io.ivfsp.generate;

import static io.ivfsp.generate.Batching.makespan;

import io.ivfsp.generate.Batching.Item;
import io.ivfsp.generate.Batching.Plan;
import io.ivfsp.generate.Batching.Task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The packings {@link Batching} compares: first-fit decreasing, per group, into calls of at most a
 * capacity, for a range of capacities, each judged by its predicted makespan.
 */
final class Packing {

    private Packing() {
    }

    /** The packing of shortest predicted makespan over a range of capacities (or {@code none}). */
    static <J> Plan<J> best(Map<J, Item> items, double startup, int parallelism, BatchingMode mode, Hull hull,
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
}
