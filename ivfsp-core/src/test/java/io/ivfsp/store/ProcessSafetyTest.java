package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOmFormat;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.GeneratorProcess;
import io.ivfsp.testing.RunningProcesses;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.LongStream;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generators as real processes: killed with SIGKILL at random points, and racing on one directory. Its
 * tests run side by side (each with its own directory and toolkit; a pid is only killed while it runs
 * that toolkit's ATC): the longest of them is the longest path of the suite.
 */
@Execution(ExecutionMode.CONCURRENT)
class ProcessSafetyTest {

    private static final ModelPlan PLAN = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));

    @TempDir
    Path dir;

    /**
     * Starts a generator process, its output (errors merged) in {@code out}: a file, not a pipe, so that
     * nothing here blocks where the test's interrupt cannot reach.
     */
    private static Process start(Path root, FakeToolkit fake, int parallelism, Path out) throws IOException {
        List<String> cmd = ChildJvm.command(GeneratorProcess.class, root.toString(), fake.home().toString(),
                String.valueOf(parallelism));
        return new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    }

    /** What {@code p} printed, once it has ended (however long that takes). */
    private static String finish(Process p, Path out) throws Exception {
        Waits.exit(p);
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    /** Every .om under the root is a complete model: none is ever half-written where mxIndex reads. */
    private static void assertEveryModelComplete(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(x -> x.toString().endsWith(".om")).toList()) {
                if (p.startsWith(root.resolve(ModelStore.STAGING_DIRECTORY))) {
                    continue;
                }
                String content = Files.readString(p);
                assertThat(content).as(p.toString()).startsWith(MockOmFormat.MAGIC).endsWith("end\n");
            }
        }
    }

    /** The jobs whose models the manifest does not vouch for: what a rerun must compile. */
    private static List<String> missingJobs(Path root, String key) {
        List<String> missing = new ArrayList<>();
        if (!Files.exists(root)) {
            return PLAN.files().stream().map(OpFile::fileName).toList();
        }
        try (ModelStore store = ModelStore.open(root)) {
            for (OpFile f : PLAN.files()) {
                String k = CacheKey.of(f, "Ascend310P3", "atc", key);
                if (store.reusable(f, k, Verification.HASH).isEmpty()) {
                    missing.add(f.fileName());
                }
            }
        }
        return missing;
    }

    /** The pids of the gate's tickets numbered above {@code pass}: the runs that hang at the gate. */
    private static Map<Integer, Long> tickets(Path gate) throws IOException {
        Map<Integer, Long> tickets = new TreeMap<>();
        if (!Files.isDirectory(gate)) {
            return tickets;
        }
        try (Stream<Path> s = Files.list(gate)) {
            for (Path t : s.filter(x -> x.getFileName().toString().startsWith("ticket-")).toList()) {
                tickets.put(Integer.parseInt(t.getFileName().toString().substring("ticket-".length())),
                        Long.parseLong(Files.readString(t).trim()));
            }
        }
        return tickets;
    }

    /** Waits, without a clock, until {@code count} runs wait at the gate (or the generator died). */
    private static void awaitHeldAtGate(Path gate, int pass, int count, Process generator) throws Exception {
        Waits.until(count + " runs held at the gate", () -> {
            assertThat(generator.isAlive()).as("the generator ended before %d runs waited at the gate", count).isTrue();
            return held(gate, pass) >= count;
        });
    }

    private static long held(Path gate, int pass) {
        try {
            return tickets(gate).keySet().stream().filter(n -> n > pass).count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Kills every ATC run the gate saw (held or still running) and waits until each is gone; a pid is
     * only killed while it still runs this toolkit's fake ATC, so a reused pid is never touched.
     */
    private static void killRuns(Path gate, FakeToolkit fake) throws Exception {
        String atc = fake.home().toString();
        for (long pid : tickets(gate).values()) {
            Optional<ProcessHandle> run = ProcessHandle.of(pid)
                    .filter(h -> h.info().commandLine().map(c -> c.contains(atc)).orElse(false));
            if (run.isPresent()) {
                run.get().destroyForcibly();
                // gone or a zombie: not this JVM's child, so its reaping is its parent's business
                Waits.until("run " + pid + " gone", () -> !RunningProcesses.isRunning(pid));
            }
        }
    }

    private static final int WORKERS = 4;

    /**
     * The 20 kill points: a seeded random number of ATC runs allowed to start ({@code pass}), from 1 to
     * jobs - workers so that every worker can be held.
     */
    static Stream<Arguments> killPoints() {
        int jobs = PLAN.files().size();
        Random random = new Random(20261123L);
        List<Arguments> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            points.add(Arguments.of(i, 1 + random.nextInt(jobs - WORKERS)));
        }
        return points.stream();
    }

    /**
     * Kills the generator with SIGKILL at 20 points chosen by a seeded random number of ATC runs allowed
     * to start ({@code pass}): the fake ATC holds every later run at a gate, so the kill point is set by
     * what the fake ATC writes, not by the clock. Even points wait until all four workers are held:
     * the first {@code pass} jobs are then installed and recorded, so exactly the rest is missing (a
     * partly generated directory, which the 10 even points each check). Odd points kill as soon as the
     * first run is held, while other workers may be installing or recording: wherever that lands, a
     * rerun must compile exactly what the manifest cannot vouch for. Each point is a test of its own
     * directory and toolkit, so that they can run side by side.
     */
    @ParameterizedTest(name = "kill {0} after {1} runs")
    @MethodSource("killPoints")
    void killedAtTwentyRandomPointsTheNextRunCompilesOnlyWhatIsMissing(int i, int pass) throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        String identity = AtcCompiler.builder().toolkit(fake.toolkit()).build().cacheIdentity();
        int jobs = PLAN.files().size();
        Path root = dir.resolve("root-" + i);
        Path gate = dir.resolve("gate-" + i);
        boolean settled = i % 2 == 0;
        fake.configure(Map.of("gate", Map.of("dir", gate.toString(), "pass", pass)));
        Process p = start(root, fake, WORKERS, dir.resolve("out-" + i));
        try {
            awaitHeldAtGate(gate, pass, settled ? WORKERS : 1, p);
            p.destroyForcibly();  // SIGKILL: no shutdown hook runs
            Waits.exit(p);
        } finally {
            p.destroyForcibly();  // when the wait failed or was interrupted
            killRuns(gate, fake);
        }

        assertEveryModelComplete(root);
        List<String> missing = missingJobs(root, identity);
        if (settled) {
            assertThat(missing).as("kill %d after %d runs: the rest is missing", i, pass).hasSize(jobs - pass);
            assertThat(missing.size()).as("kill %d left a partly generated directory", i).isBetween(1, jobs - 1);
        }
        int before = fake.runs().size();

        // The rerun needs no process of its own (only the killed run had to be one), nor ATC processes:
        // what it compiles is the store's and the planner's decision, so an in-process compiler under the
        // fake ATC's name and identity (same cache keys) records it. 20 points x up to 31 fake ATC runs
        // were a third of the module's test CPU.
        MockOpCompiler mock = MockOpCompiler.create();
        GenerationResult rerun = fake.generator(root).compiler(asAtc(mock, identity)).parallelism(WORKERS).build()
                .generate(PLAN);

        assertThat(rerun.isSuccess()).as(rerun.failures().toString()).isTrue();
        assertThat(rerun.compiledModels() + rerun.reusedModels()).isEqualTo(45);
        assertThat(fake.runs()).as("no ATC run after the kill").hasSize(before);
        assertThat(mock.compiled()).extracting(OpFile::fileName)
                .as("kill %d: only the missing jobs are compiled", i)
                .containsExactlyInAnyOrderElementsOf(missing);
        assertThat(missingJobs(root, identity)).isEmpty();
        assertEveryModelComplete(root);
        assertThat(root.resolve(ModelStore.STAGING_DIRECTORY)).as("dead staging removed").doesNotExist();
    }

    /** {@code mock} under the name and identity of an ATC compiler: it finds and writes the same keys. */
    private static OpCompiler asAtc(MockOpCompiler mock, String identity) {
        return new OpCompiler() {
            @Override
            public String name() {
                return "atc";
            }

            @Override
            public String cacheIdentity() {
                return identity;
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                return mock.compile(request);
            }
        };
    }

    @Test
    void normalShutdownStopsTheRunningAtcProcesses() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        fake.configure(Map.of("hang", List.of("IvfCidFilter3", "CorrCompute")));
        Process p = start(dir.resolve("root"), fake, 4, dir.resolve("out"));
        long[] pids;
        try {
            Waits.until("both ATC runs hang", () -> fake.hungPids().size() >= 2);
            pids = fake.hungPids().stream().flatMapToLong(LongStream::of).toArray();

            p.destroy();  // SIGTERM: the JVM runs its shutdown hooks
            Waits.exit(p);
        } finally {
            Waits.kill(p.toHandle());  // when the wait was interrupted: it and what it started
        }

        // The hooks killed them, not the test: waited for without a clock (the test's own timeout is the
        // guard), and none must be left running.
        Waits.until("the hung ATC runs and their children are gone", () -> RunningProcesses.running(pids).isEmpty());
        assertThat(fake.hungPids()).as("no run hung after the two").hasSize(2);
    }

    @Test
    void fourConcurrentGeneratorsCompileEveryJobExactlyOnce() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        fake.configure(Map.of("delay_ms", 100));
        Path root = dir.resolve("shared");

        List<Process> processes = new ArrayList<>();
        List<String> outputs = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                processes.add(start(root, fake, 4, dir.resolve("out-" + i)));
            }
            for (int i = 0; i < 4; i++) {
                Process p = processes.get(i);
                outputs.add(finish(p, dir.resolve("out-" + i)));
                assertThat(p.exitValue()).as(outputs.get(i)).isZero();
            }
        } finally {
            processes.forEach(p -> Waits.kill(p.toHandle()));  // none left running when the test failed or was interrupted
        }

        assertThat(fake.runs()).extracting(r -> Path.of(r.arg("singleop")).getFileName().toString())
                .as("ATC runs (file, working directory, start, end): %s", fake.runs().stream()
                        .map(r -> Path.of(r.arg("singleop")).getFileName() + " " + r.cwd() + " " + r.start() + " " + r.end())
                        .toList())
                .hasSize(32).doesNotHaveDuplicates();
        // The result line, not the first: a generator that waited long for a lock logs a WARN before it.
        long compiled = outputs.stream().mapToLong(o -> Long.parseLong(o.lines().filter(l -> l.startsWith("compiled "))
                .findFirst().orElseThrow(() -> new AssertionError("no result line in: " + o)).split(" ")[1])).sum();
        assertThat(compiled).isEqualTo(45);
        assertEveryModelComplete(root);
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).hasSize(28);
            assertThat(store.manifest(ModelSet.TRAINING).entries()).hasSize(4);
        }
    }
}
