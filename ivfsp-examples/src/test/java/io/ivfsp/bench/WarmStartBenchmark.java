package io.ivfsp.bench;

import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.store.Verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Warm start of the full {@code all} plan (45 models present): in-process {@code generate()} at both
 * verification levels and the CLI's wall time, measured side by side in one run.
 *
 * <pre>
 * mvn -B -q -pl ivfsp-examples -am test-compile
 * java -cp ivfsp-examples/target/test-classes:ivfsp-examples/target/ivfsp-cli.jar:ivfsp-examples/target/lib/* io.ivfsp.bench.WarmStartBenchmark [runs] [model MiB]
 * </pre>
 *
 * Models come from the mock compiler, padded to a realistic size (default 1 MiB each) so that hash
 * verification reads as much as it would with real models.
 */
public final class WarmStartBenchmark {

    private WarmStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        // Under target/, on the project's disk: this machine's /tmp is several times slower for metadata.
        Path root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "ivfsp-bench");
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
        OpCompiler compiler = new PaddedMock(MockOpCompiler.create(), mib << 20);

        long t0 = System.nanoTime();
        GenerationResult cold = generator(compiler, root, Verification.SIZE).generate(plan).requireSuccess();
        double coldMs = (System.nanoTime() - t0) / 1e6;

        List<Double> size = new ArrayList<>();
        List<Double> hash = new ArrayList<>();
        for (int i = 0; i < runs; i++) {   // interleaved, so drift on a shared machine hits both alike
            size.add(warm(compiler, root, plan, Verification.SIZE));
            hash.add(warm(compiler, root, plan, Verification.HASH));
        }

        List<Double> cliJava = new ArrayList<>();
        List<Double> cliLauncher = new ArrayList<>();
        Path repo = Path.of("").toAbsolutePath();
        String cp = System.getProperty("java.class.path");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        int cliRuns = Math.max(3, runs / 4);
        for (int i = 0; i < cliRuns; i++) {
            cliJava.add(wall(List.of(java, "-cp", cp, "io.ivfsp.cli.IvfspCli", "all", "--backend", "mock", "-q",
                    "-o", root.toString())));
            if (Files.isExecutable(repo.resolve("ivfsp"))) {
                cliLauncher.add(wall(List.of(repo.resolve("ivfsp").toString(), "all", "--backend", "mock", "-q",
                        "-o", root.toString())));
            }
        }

        System.out.printf(Locale.ROOT, "plan: %d JSON files, %d models of %d MiB (%d MiB in all), %d runs each%n",
                plan.files().size(), cold.models().size(), mib, cold.models().size() * mib, runs);
        System.out.printf(Locale.ROOT, "cold generate() with the mock compiler:    %8.1f ms%n", coldMs);
        System.out.printf(Locale.ROOT, "warm generate(), size verification:       %8.1f ms median, %8.1f ms p90%n",
                median(size), p90(size));
        System.out.printf(Locale.ROOT, "warm generate(), hash verification:       %8.1f ms median, %8.1f ms p90%n",
                median(hash), p90(hash));
        System.out.printf(Locale.ROOT, "warm CLI (java ... IvfspCli all), wall:    %8.1f ms median of %d%n",
                median(cliJava), cliRuns);
        if (!cliLauncher.isEmpty()) {
            System.out.printf(Locale.ROOT, "warm CLI (./ivfsp all), wall:             %8.1f ms median of %d%n",
                    median(cliLauncher), cliRuns);
        }
        System.out.printf(Locale.ROOT, "ratio hash/size: %.1f; CLI wall / in-process size: %.1f%n",
                median(hash) / median(size), median(cliJava) / median(size));
    }

    private static ModelGenerator generator(OpCompiler compiler, Path root, Verification v) {
        return ModelGenerator.builder().compiler(compiler).outputRoot(root).verification(v).build();
    }

    private static double warm(OpCompiler compiler, Path root, ModelPlan plan, Verification v) {
        long t = System.nanoTime();
        GenerationResult r = generator(compiler, root, v).generate(plan).requireSuccess();
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.reusedModels() != r.models().size()) {
            throw new IllegalStateException("warm run compiled " + r.compiledModels() + " models");
        }
        return ms;
    }

    private static double wall(List<String> cmd) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("failed: " + cmd);
        }
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(s.size() / 2);
    }

    private static double p90(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        return s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.9) - 1));
    }

    /** The mock, with each model padded to a realistic size; same name and identity, so keys match the CLI's. */
    private static final class PaddedMock implements OpCompiler {
        private final OpCompiler mock;
        private final int bytes;

        PaddedMock(OpCompiler mock, int bytes) {
            this.mock = mock;
            this.bytes = bytes;
        }

        @Override
        public String name() {
            return mock.name();
        }

        @Override
        public String cacheIdentity() {
            return mock.cacheIdentity();
        }

        @Override
        public boolean isSimulated() {
            return true;
        }

        @Override
        public CompileOutcome compile(CompileRequest request) throws InterruptedException {
            CompileOutcome o = mock.compile(request);
            if (o instanceof CompileOutcome.Compiled) {
                byte[] pad = new byte[bytes];
                for (String om : request.file().omFileNames()) {
                    try {
                        Files.write(request.outputDirectory().resolve(om), pad, StandardOpenOption.APPEND);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
            }
            return o;
        }
    }
}
