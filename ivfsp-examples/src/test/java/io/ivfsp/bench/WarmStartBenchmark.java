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
import java.nio.charset.StandardCharsets;
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
 * Warm start of the full {@code all} plan (45 models present), measured side by side in one run, at
 * both verification levels: the first {@code generate()} in a fresh JVM (a service restart: one child
 * JVM per sample, the median of them), the median of repeated calls in one JVM, and the CLI's wall time.
 *
 * <pre>
 * mvn -B -q -pl ivfsp-examples -am test-compile
 * java -cp ivfsp-examples/target/test-classes:ivfsp-examples/target/ivfsp-cli.jar:ivfsp-examples/target/lib/* io.ivfsp.bench.WarmStartBenchmark [runs] [model MiB]
 * </pre>
 *
 * Models come from the mock compiler, padded to a realistic size (default 1 MiB each) so that hash
 * verification reads as much as it would with real models. After the cold run the benchmark waits
 * out the racy margin and runs once, so that the manifests hold stats that vouch for the models,
 * as they do on any run a few seconds after the models were compiled.
 */
public final class WarmStartBenchmark {

    private WarmStartBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("--first")) {
            first(Path.of(args[1]), Verification.valueOf(args[2]));
            return;
        }
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 21;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        // Under target/, on the project's disk: this machine's /tmp is several times slower for metadata.
        Path root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "ivfsp-bench");
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
        OpCompiler compiler = new PaddedMock(MockOpCompiler.create(), mib << 20);

        long t0 = System.nanoTime();
        GenerationResult cold = generator(compiler, root, Verification.STAT).generate(plan).requireSuccess();
        double coldMs = (System.nanoTime() - t0) / 1e6;
        // The stats taken as the models were placed are racy: wait out the margin, then one run reads the
        // models once and records stats that vouch for them.
        TimeUnit.MILLISECONDS.sleep(TimeUnit.SECONDS.toMillis(2) + 500);
        warm(compiler, root, plan, Verification.STAT);

        int firstRuns = Math.max(3, runs / 2);
        List<Double> firstStat = new ArrayList<>();
        List<Double> firstHash = new ArrayList<>();
        for (int i = 0; i < firstRuns; i++) {   // interleaved, so drift on a shared machine hits both alike
            firstStat.add(firstInChild(root, Verification.STAT));
            firstHash.add(firstInChild(root, Verification.HASH));
        }

        List<Double> size = new ArrayList<>();
        List<Double> hash = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            size.add(warm(compiler, root, plan, Verification.STAT));
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
        System.out.printf(Locale.ROOT, "first generate() in a fresh JVM, stat verification: %8.1f ms median of %d JVMs, %8.1f ms p90%n",
                median(firstStat), firstRuns, p90(firstStat));
        System.out.printf(Locale.ROOT, "first generate() in a fresh JVM, hash verification: %8.1f ms median of %d JVMs, %8.1f ms p90%n",
                median(firstHash), firstRuns, p90(firstHash));
        System.out.printf(Locale.ROOT, "repeated generate() in one JVM, stat verification:  %8.1f ms median, %8.1f ms p90%n",
                median(size), p90(size));
        System.out.printf(Locale.ROOT, "repeated generate() in one JVM, hash verification:  %8.1f ms median, %8.1f ms p90%n",
                median(hash), p90(hash));
        System.out.printf(Locale.ROOT, "warm CLI (java ... IvfspCli all), wall:    %8.1f ms median of %d%n",
                median(cliJava), cliRuns);
        if (!cliLauncher.isEmpty()) {
            System.out.printf(Locale.ROOT, "warm CLI (./ivfsp all), wall:             %8.1f ms median of %d%n",
                    median(cliLauncher), cliRuns);
        }
        System.out.printf(Locale.ROOT, "ratio hash/stat, repeated: %.1f; first call: %.1f%n",
                median(hash) / median(size), median(firstHash) / median(firstStat));
    }

    /** Child JVM: the plan and the generator are made first, then one timed generate(); prints its milliseconds. */
    private static void first(Path root, Verification v) {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
        ModelGenerator generator = generator(MockOpCompiler.create(), root, v);
        long t = System.nanoTime();
        GenerationResult r = generator.generate(plan).requireSuccess();
        double ms = (System.nanoTime() - t) / 1e6;
        if (r.reusedModels() != r.models().size()) {
            throw new IllegalStateException("warm run compiled " + r.compiledModels() + " models");
        }
        System.out.println("first-generate-ms " + ms);
    }

    private static double firstInChild(Path root, Verification v) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                WarmStartBenchmark.class.getName(), "--first", root.toString(), v.name())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0 || !out.startsWith("first-generate-ms ")) {
            throw new IllegalStateException("the child JVM failed: " + out);
        }
        return Double.parseDouble(out.substring("first-generate-ms ".length()).trim());
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
