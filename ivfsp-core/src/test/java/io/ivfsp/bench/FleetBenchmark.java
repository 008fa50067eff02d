package io.ivfsp.bench;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.testing.FakeToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fleet sharing a {@code file://} registry, on the ATC-like fixture's cost model (start-up per
 * process, cost per op and per million tensor elements; real child processes). Prints: a node that
 * compiles the default deployment (and publishes it) against a node that then fetches it; and
 * {@code nodes} nodes cold-starting at once on an empty registry: ATC runs in total (each key once
 * means one per job) and wall time, against one node alone.
 *
 * <pre>
 * mvn -B -q -pl ivfsp-core test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=io.ivfsp.bench.FleetBenchmark [-Dexec.args="startup_ms per_op_ms per_melem_ms pool nodes"]
 * </pre>
 */
public final class FleetBenchmark {

    private FleetBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        CostModelBench bench = CostModelBench.start(args, 2000, 100, "ivfsp-fleet");
        int nodes = args.length > 4 ? Integer.parseInt(args[4]) : 8;
        double startup = bench.startup();
        double perOp = bench.perOp();
        double perMelem = bench.perMelem();
        int pool = bench.pool();
        Path dir = bench.dir();
        FakeToolkit fake = bench.fake();
        AtcCompiler atc = bench.atc();
        ModelPlan all = bench.all();
        int jobs = all.files().size();

        // The baseline: one node without a registry.
        long t0 = System.nanoTime();
        ModelGenerator.builder().compiler(atc).outputRoot(dir.resolve("alone")).parallelism(pool).build()
                .generate(all).requireSuccess();
        double alone = (System.nanoTime() - t0) / 1e9;

        // One node compiles and publishes; a second one, same config, fetches.
        RemoteSettings registry = RemoteSettings.builder(Files.createDirectories(dir.resolve("registry")).toUri().toString())
                .build();
        int before = fake.runs().size();
        long t = System.nanoTime();
        generate(atc, dir.resolve("compiling-node"), pool, registry);
        double compiling = (System.nanoTime() - t) / 1e9;
        int compiles = fake.runs().size() - before;

        before = fake.runs().size();
        t = System.nanoTime();
        GenerationResult fetched = generate(atc, dir.resolve("fetching-node"), pool, registry);
        double fetching = (System.nanoTime() - t) / 1e9;
        int fetchCompiles = fake.runs().size() - before;

        // Eight nodes at once on an empty registry.
        RemoteSettings empty = RemoteSettings.builder(Files.createDirectories(dir.resolve("registry-cold")).toUri().toString())
                .build();
        before = fake.runs().size();
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService threads = Executors.newFixedThreadPool(nodes);
        List<Future<GenerationResult>> runs = new ArrayList<>();
        List<double[]> walls = new ArrayList<>();
        long coldStart = System.nanoTime();
        for (int n = 0; n < nodes; n++) {
            Path root = dir.resolve("cold-node-" + n);
            double[] wall = new double[1];
            walls.add(wall);
            runs.add(threads.submit(() -> {
                start.await();
                long s = System.nanoTime();
                GenerationResult r = generate(atc, root, pool, empty);
                wall[0] = (System.nanoTime() - s) / 1e9;
                return r;
            }));
        }
        long compiledModels = 0;
        for (Future<GenerationResult> f : runs) {
            compiledModels += f.get().compiledModels();
        }
        double coldWall = (System.nanoTime() - coldStart) / 1e9;
        threads.shutdown();
        int coldCompiles = fake.runs().size() - before;
        double slowest = walls.stream().mapToDouble(w -> w[0]).max().orElse(0);

        System.out.printf(Locale.ROOT, "cost model: start-up %.0f ms per ATC process, %.0f ms per op, %.0f ms per million"
                + " tensor elements; pool %d; %d jobs, %d models; registry file://%n", startup, perOp, perMelem, pool, jobs,
                all.modelCount());
        System.out.printf(Locale.ROOT, "node without a registry:                         %7.2f s%n", alone);
        System.out.printf(Locale.ROOT, "node that compiles (empty registry, publishes):  %7.2f s, %d ATC runs%n",
                compiling, compiles);
        System.out.printf(Locale.ROOT, "node that fetches (same config):                 %7.2f s, %d ATC runs, %d of %d models"
                + " fetched = %.1f x faster%n", fetching, fetchCompiles, fetched.reusedModels(), fetched.modelCount(),
                compiling / fetching);
        System.out.printf(Locale.ROOT, "%d nodes cold-starting at once (empty registry): %7.2f s wall (slowest node %.2f s"
                + " = %.2f x one node alone), %d ATC runs in total for %d jobs (without a registry: %d), %d models"
                + " compiled, the rest fetched%n", nodes, coldWall, slowest, slowest / compiling, coldCompiles, jobs,
                nodes * jobs, compiledModels);
    }

    private static GenerationResult generate(AtcCompiler atc, Path root, int pool, RemoteSettings remote) {
        return ModelGenerator.builder().compiler(atc).outputRoot(root).parallelism(pool).remote(remote).build()
                .generate(List.of(OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class))))
                .requireSuccess();
    }
}
