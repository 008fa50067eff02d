package io.ivfsp.generate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * Chooses which jobs to compile together in one ATC run, to pay ATC's start-up once for several
 * small operators. A batch's expected time (one start-up plus its members' work) never exceeds the
 * makespan the jobs would have unbatched, {@code max(longest job, total / parallelism)}, so batching
 * cannot lengthen it; it shortens the total work by one start-up per job saved.
 */
final class Batching {

    private Batching() {
    }

    /**
     * Groups jobs into tasks: single jobs, or batches of jobs of the same model set whose files hold one
     * op each, by first-fit decreasing into bins of the unbatched makespan.
     *
     * @param jobs     the jobs
     * @param estimate a job's expected seconds, its start-up included
     * @param startup  the expected start-up seconds of one compiler run
     * @param batchable whether a job may join a batch
     * @param setOf    a batch holds jobs of one set only (they share ATC's options)
     * @return the tasks, each a non-empty list of jobs
     */
    static <J> List<List<J>> tasks(List<J> jobs, ToDoubleFunction<J> estimate, double startup, int parallelism,
                                   java.util.function.Predicate<J> batchable, java.util.function.Function<J, Object> setOf) {
        double longest = jobs.stream().mapToDouble(estimate).max().orElse(0);
        double total = jobs.stream().mapToDouble(estimate).sum();
        double capacity = Math.max(longest, total / parallelism);

        List<List<J>> tasks = new ArrayList<>();
        Map<String, List<J>> bySet = new TreeMap<>();
        for (J j : jobs) {
            if (batchable.test(j)) {
                bySet.computeIfAbsent(String.valueOf(setOf.apply(j)), k -> new ArrayList<>()).add(j);
            } else {
                tasks.add(List.of(j));
            }
        }
        for (List<J> group : bySet.values()) {
            group.sort(Comparator.comparingDouble(estimate).reversed());
            List<List<J>> bins = new ArrayList<>();
            List<Double> loads = new ArrayList<>();
            for (J j : group) {
                double work = Math.max(0, estimate.applyAsDouble(j) - startup);
                int fit = -1;
                for (int b = 0; b < bins.size(); b++) {
                    if (loads.get(b) + work <= capacity) {
                        fit = b;
                        break;
                    }
                }
                if (fit < 0) {
                    bins.add(new ArrayList<>(List.of(j)));
                    loads.add(startup + work);
                } else {
                    bins.get(fit).add(j);
                    loads.set(fit, loads.get(fit) + work);
                }
            }
            tasks.addAll(bins);
        }
        return tasks;
    }
}
