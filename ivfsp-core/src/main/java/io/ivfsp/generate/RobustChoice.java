package io.ivfsp.generate;

import static io.ivfsp.generate.Batching.GUESSED_MARGIN;
import static io.ivfsp.generate.Batching.GUESSED_TOLERANCE;
import static io.ivfsp.generate.Batching.makespan;
import static io.ivfsp.generate.Packing.best;

import io.ivfsp.generate.Batching.Item;
import io.ivfsp.generate.Batching.Plan;
import io.ivfsp.generate.Batching.Task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The choice {@link Batching} makes without measured costs: the packing that stays close to the best
 * under every plausible static cost, not the best under one guess.
 */
final class RobustChoice {

    /** Fewer capacities per plausible cost when guessing: dozens of costs are tried, and planning delays every call. */
    private static final int GUESSED_CAPACITY_STEPS = 8;

    private RobustChoice() {
    }

    /**
     * Without measured costs: the packing whose worst ratio to the best packing found for each of a range
     * of plausible costs (start-up from a tenth of a second to ten, per-op and per-element costs from
     * small to large) is smallest; in {@code AUTO} only if that worst ratio is within
     * {@link Batching#GUESSED_TOLERANCE} (whatever the costs turn out to be, it is hardly slower than the best
     * known) and below one call per job's.
     */
    static <J> Plan<J> robustPlan(Map<J, Item> items, int parallelism,
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
}
