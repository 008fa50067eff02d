package io.ivfsp.bench;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.generate.BatchingMode;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.json.JsonReader;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Ours against the floor of the same calls, side by side in one run, with batching auto (the default),
 * forced and off, first without measured costs (a fresh output root) and then with the costs learned
 * from the compile times the first runs recorded (the same roots, everything compiled again).
 *
 * <p>The floor of a run: the very calls it made (read from its trace: which JSON files each ATC call
 * compiled), assigned to the workers as well as the harness can with the true costs (longest first,
 * then moves and swaps between the busiest worker and the others while the makespan shrinks), and run
 * by a bare loop of threads that start the same fake ATC on pre-written JSON files, with no locks,
 * staging, checks or manifest. Ours is the wall time of {@code generate()} in this JVM (JVM start-up
 * excluded). Figures are printed; nothing is asserted.
 *
 * <pre>
 * mvn -B -q -o -pl ivfsp-core -am test-compile
 * mvn -B -q -o -pl ivfsp-core dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp ivfsp-core/target/classes:ivfsp-core/target/test-classes:$(cat ivfsp-core/target/cp.txt) \
 *     io.ivfsp.bench.BatchingBenchmark [startup_ms per_op_ms per_melem_ms pool]
 * </pre>
 */
public final class BatchingBenchmark {

    private BatchingBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        CostModelBench bench = CostModelBench.start(args, 4000, 20, "ivfsp-batching");
        double startup = bench.startup();
        double perOp = bench.perOp();
        double perMelem = bench.perMelem();
        int pool = bench.pool();
        Path dir = bench.dir();
        FakeToolkit fake = bench.fake();
        AtcCompiler atc = bench.atc();
        ModelPlan all = bench.all();
        Map<String, OpFile> byName = new HashMap<>();
        all.files().forEach(f -> byName.put(f.fileName(), f));

        System.out.printf(Locale.ROOT, "cost model: start-up %.0f ms per ATC call, %.0f ms per op, %.0f ms per million"
                + " tensor elements; pool %d; %d jobs, %d models%n", startup, perOp, perMelem, pool, all.files().size(),
                all.modelCount());
        System.out.printf(Locale.ROOT, "%-8s %-7s %6s %9s %9s %8s %14s%n", "costs", "batch", "calls", "ours s", "floor s",
                "ours/fl", "floor/unbatched");
        double unbatchedFloor = Double.NaN;
        for (String costs : List.of("none", "learned")) {
            for (BatchingMode mode : List.of(BatchingMode.NEVER, BatchingMode.AUTO, BatchingMode.ALWAYS)) {
                Path root = dir.resolve(mode.name().toLowerCase(Locale.ROOT));
                Path trace = dir.resolve("trace-" + costs + "-" + mode.name().toLowerCase(Locale.ROOT) + ".json");
                long t = System.nanoTime();
                GenerationResult r = ModelGenerator.builder().compiler(atc).outputRoot(root).parallelism(pool)
                        .batching(mode).incremental(false).trace(trace).build().generate(all).requireSuccess();
                double ours = (System.nanoTime() - t) / 1e9;
                List<List<OpFile>> calls = calls(trace, byName);
                double floor = floor(fake, dir.resolve("floor-" + costs + "-" + mode), calls, pool, startup, perOp, perMelem);
                if (mode == BatchingMode.NEVER && costs.equals("none")) {
                    unbatchedFloor = floor;
                }
                System.out.printf(Locale.ROOT, "%-8s %-7s %6d %9.2f %9.2f %8.3f %14.3f%n", costs,
                        mode.name().toLowerCase(Locale.ROOT), r.compilerRuns(), ours, floor, ours / floor,
                        floor / unbatchedFloor);
            }
        }
        System.out.println("ours/fl: our makespan over the floor of the same calls; floor/unbatched: that floor over the"
                + " floor of one call per job (below 1: batching pays). Traces: " + dir);
    }

    /** The calls of a run, from its trace: the JSON files each ATC call compiled. */
    static List<List<OpFile>> calls(Path trace, Map<String, OpFile> byName) throws IOException {
        Map<?, ?> json = (Map<?, ?>) JsonReader.read(Files.readString(trace));
        List<List<OpFile>> calls = new ArrayList<>();
        for (Object o : (List<?>) json.get("traceEvents")) {
            Map<?, ?> e = (Map<?, ?>) o;
            if ("X".equals(e.get("ph"))) {
                List<OpFile> files = new ArrayList<>();
                for (Object f : (List<?>) ((Map<?, ?>) e.get("args")).get("files")) {
                    files.add(byName.get((String) f));
                }
                calls.add(files);
            }
        }
        return calls;
    }

    /** The floor: the calls on the best assignment the harness finds with the true costs, run by bare threads. */
    static double floor(FakeToolkit fake, Path dir, List<List<OpFile>> calls, int pool, double startup, double perOp,
                        double perMelem) throws Exception {
        Files.createDirectories(dir);
        List<Path> jsons = new ArrayList<>();
        double[] cost = new double[calls.size()];
        for (int i = 0; i < calls.size(); i++) {
            StringBuilder sb = new StringBuilder("[");
            double ms = startup;
            for (OpFile f : calls.get(i)) {
                String text = f.json();
                if (sb.length() > 1) {
                    sb.append(", ");
                }
                sb.append(text, 1, text.length() - 1);
                ms += ScheduleBenchmark.modelled(f, 0, perOp, perMelem);
            }
            Path p = dir.resolve("call-" + i + ".json");
            Files.writeString(p, sb.append("]").toString());
            jsons.add(p);
            cost[i] = ms;
        }
        List<List<Integer>> lanes = assign(cost, pool);
        Path atc = fake.home().resolve("bin").resolve("atc");
        List<Thread> threads = new ArrayList<>();
        long t = System.nanoTime();
        for (int w = 0; w < lanes.size(); w++) {
            List<Integer> mine = lanes.get(w);
            Path work = Files.createDirectories(dir.resolve("w" + w));
            Thread th = new Thread(() -> {
                for (int k : mine) {
                    try {
                        Process p = new ProcessBuilder(atc.toString(), "--singleop=" + jsons.get(k),
                                "--soc_version=Ascend310P3", "--output=" + work.resolve("out"))
                                .directory(work.toFile()).redirectErrorStream(true)
                                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                        p.waitFor();
                    } catch (IOException | InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        for (Thread th : threads) {
            th.join();
        }
        return (System.nanoTime() - t) / 1e9;
    }

    /** Longest first onto the least loaded worker, then moves and swaps off the busiest worker while they help. */
    static List<List<Integer>> assign(double[] cost, int pool) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < cost.length; i++) {
            order.add(i);
        }
        order.sort(Comparator.comparingDouble((Integer i) -> cost[i]).reversed());
        List<List<Integer>> lanes = new ArrayList<>();
        double[] load = new double[pool];
        for (int w = 0; w < pool; w++) {
            lanes.add(new ArrayList<>());
        }
        for (int i : order) {
            int w = 0;
            for (int k = 1; k < pool; k++) {
                if (load[k] < load[w]) {
                    w = k;
                }
            }
            lanes.get(w).add(i);
            load[w] += cost[i];
        }
        boolean improved = true;
        while (improved) {
            improved = false;
            int max = 0;
            for (int k = 1; k < pool; k++) {
                if (load[k] > load[max]) {
                    max = k;
                }
            }
            search:
            for (int w = 0; w < pool && !improved; w++) {
                if (w == max) {
                    continue;
                }
                for (int a = 0; a < lanes.get(max).size(); a++) {
                    int i = lanes.get(max).get(a);
                    if (load[w] + cost[i] < load[max] - 1e-9) {
                        lanes.get(max).remove(a);
                        lanes.get(w).add(i);
                        load[max] -= cost[i];
                        load[w] += cost[i];
                        improved = true;
                        break search;
                    }
                    for (int b = 0; b < lanes.get(w).size(); b++) {
                        int j = lanes.get(w).get(b);
                        double d = cost[i] - cost[j];
                        if (d > 1e-9 && load[w] + d < load[max] - 1e-9) {
                            lanes.get(max).set(a, j);
                            lanes.get(w).set(b, i);
                            load[max] -= d;
                            load[w] += d;
                            improved = true;
                            break search;
                        }
                    }
                }
            }
        }
        return lanes;
    }
}
