package io.ivfsp.bench;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.Scheduling;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Makespan of the reference flow against ours, driving real ATC-like child processes whose run time
 * follows a cost model: a start-up cost per process plus, per operator, a fixed cost and a cost per
 * million tensor elements. Prints, side by side in one run: the reference flow (service set in a pool,
 * then the AICPU file, then the four training files one after another, in the reference order), ours
 * (all sets in one pool, longest expected first), and the lower bound max(longest job, total work /
 * pool), as ratios; and the generator's own overhead per job.
 *
 * <pre>
 * mvn -B -q -pl ivfsp-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.ivfsp.bench.ScheduleBenchmark [-Dexec.args="startup_ms per_op_ms per_melem_ms pool"]
 * </pre>
 */
public final class ScheduleBenchmark {

    private ScheduleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        CostModelBench bench = CostModelBench.start(args, 2000, 100, "ivfsp-schedule");
        double startup = bench.startup();
        double perOp = bench.perOp();
        double perMelem = bench.perMelem();
        int pool = bench.pool();
        Path dir = bench.dir();
        AtcCompiler atc = bench.atc();
        IvfspConfig config = IvfspConfig.defaults();
        ModelPlan all = bench.all();

        // The model's own figures: each job's cost, the longest, the total and the lower bound.
        double longest = 0;
        double total = 0;
        for (OpFile f : all.files()) {
            double c = modelled(f, startup, perOp, perMelem) / 1000;
            longest = Math.max(longest, c);
            total += c;
        }
        double lowerBound = Math.max(longest, total / pool);

        // The generator's own overhead first, before the machine is busy with a hundred process launches.
        double overheadMs = overheadPerJobMs(dir.resolve("overhead"), all, 1);
        double overheadPoolMs = overheadPerJobMs(dir.resolve("overhead-pool"), all, pool);

        // The reference flow: service pool, then AICPU, then training one file at a time, reference order.
        Path refRoot = dir.resolve("reference");
        long t = System.nanoTime();
        run(atc, refRoot, pool, Scheduling.PLAN_ORDER, OpCatalog.plan(config, ModelSet.SERVICE));
        run(atc, refRoot, 1, Scheduling.PLAN_ORDER, OpCatalog.plan(config, ModelSet.AICPU));
        run(atc, refRoot, 1, Scheduling.PLAN_ORDER, OpCatalog.plan(config, ModelSet.TRAINING));
        double reference = (System.nanoTime() - t) / 1e9;

        t = System.nanoTime();
        run(atc, dir.resolve("ours"), pool, Scheduling.LONGEST_FIRST, all);
        double ours = (System.nanoTime() - t) / 1e9;

        t = System.nanoTime();
        GenerationResult batched = ModelGenerator.builder().compiler(atc).outputRoot(dir.resolve("batched"))
                .parallelism(pool).batching(true).incremental(false).build().generate(all).requireSuccess();
        double oursBatched = (System.nanoTime() - t) / 1e9;


        System.out.printf(Locale.ROOT, "cost model: start-up %.0f ms per ATC process, %.0f ms per op, %.0f ms per million"
                + " tensor elements; pool %d; %d jobs, %d models%n", startup, perOp, perMelem, pool, all.files().size(),
                all.modelCount());
        System.out.printf(Locale.ROOT, "lower bound max(longest %.2f s, total %.2f s / %d):  %6.2f s%n",
                longest, total, pool, lowerBound);
        System.out.printf(Locale.ROOT, "reference flow (service pool, AICPU, training in sequence): %6.2f s  = %.2f x lower bound%n",
                reference, reference / lowerBound);
        System.out.printf(Locale.ROOT, "ours (one pool, longest expected first):                    %6.2f s  = %.2f x lower bound"
                + " = %.2f x reference%n", ours, ours / lowerBound, ours / reference);
        System.out.printf(Locale.ROOT, "ours with batching (%d ATC runs for %d jobs):                %6.2f s  = %.2f x lower bound"
                + " = %.2f x reference%n", batched.compilerRuns(), all.files().size(), oursBatched, oursBatched / lowerBound,
                oursBatched / reference);
        System.out.printf(Locale.ROOT, "generator overhead per job (mock compiler, nothing reused): %.3f ms one job at a time,"
                + " %.3f ms per job with pool %d%n", overheadMs, overheadPoolMs, pool);
        System.out.printf(Locale.ROOT, "targets: ours <= 1.05 x lower bound: %s; ours <= 0.5 x reference: %s;"
                + " overhead < 2 ms: %s%n", ours <= 1.05 * lowerBound ? "met" : "NOT met",
                ours <= 0.5 * reference ? "met" : "NOT met", overheadMs < 2 ? "met" : "NOT met");
    }

    private static GenerationResult run(AtcCompiler atc, Path root, int pool, Scheduling scheduling, ModelPlan plan) {
        return run(atc, root, pool, scheduling, List.of(plan));
    }

    private static GenerationResult run(AtcCompiler atc, Path root, int pool, Scheduling scheduling, List<ModelPlan> plans) {
        return ModelGenerator.builder().compiler(atc).outputRoot(root).parallelism(pool).scheduling(scheduling)
                .incremental(false).build().generate(plans).requireSuccess();
    }

    /** What the fixture sleeps for a file under the cost model, in ms (its own formula). */
    static double modelled(OpFile f, double startup, double perOp, double perMelem) {
        double ms = startup;
        for (OpDesc op : f.ops()) {
            double elements = 0;
            for (TensorDesc td : concat(op.inputs(), op.outputs())) {
                double n = 1;
                for (long d : td.shape()) {
                    n *= Math.max(d, 1);
                }
                elements += n;
            }
            ms += perOp + perMelem * elements / 1e6;
        }
        return ms;
    }

    private static List<TensorDesc> concat(List<TensorDesc> a, List<TensorDesc> b) {
        List<TensorDesc> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    /**
     * Wall time per job of the generator with the mock compiler (which only writes the model files):
     * its own cost, all bookkeeping included (JSON, locks, staging, checks, atomic moves, SHA-256,
     * manifest). Median of 20 runs after 10 of warm-up.
     */
    private static double overheadPerJobMs(Path root, ModelPlan plan, int parallelism) {
        MockOpCompiler mock = MockOpCompiler.create();
        List<Double> perJob = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            long t = System.nanoTime();
            ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(parallelism).incremental(false).build()
                    .generate(plan).requireSuccess();
            perJob.add((System.nanoTime() - t) / 1e6 / plan.files().size());
        }
        List<Double> warm = new ArrayList<>(perJob.subList(10, perJob.size()));
        Collections.sort(warm);
        return warm.get(warm.size() / 2);
    }
}
