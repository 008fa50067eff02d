package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.DoublingTimeout;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.RunningProcesses;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtcCompilerTest {

    @TempDir
    Path dir;
    FakeToolkit fake;
    Path work;
    Path out;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        work = Files.createDirectories(dir.resolve("work"));
        out = Files.createDirectories(dir.resolve("out"));
    }

    private OpFile file(ModelSet set, int index) {
        return OpCatalog.plan(IvfspConfig.defaults(), set).files().get(index);
    }

    private CompileRequest request(OpFile file, Optional<Duration> timeout) throws IOException {
        Path json = Files.write(dir.resolve(file.fileName()), file.jsonBytes());
        return new CompileRequest(file, json, out, work, "Ascend310P3", timeout, new Cancellation());
    }

    /** The run compiled {@code f} with the reference arguments into {@code out}. */
    private void assertReferenceRun(CompileOutcome outcome, OpFile f) {
        assertThat(outcome).isInstanceOf(CompileOutcome.Compiled.class);
        assertThat(fake.runs().get(0).args()).containsExactly("--singleop=" + dir.resolve(f.fileName()),
                "--soc_version=Ascend310P3", "--output=" + out, "--log=error");
        assertThat(out.resolve(f.omFileNames().get(0))).isNotEmptyFile();
    }

    private AtcCompiler compiler() {
        return AtcCompiler.builder().toolkit(fake.toolkit())
                .baseEnvironment(Map.of("PATH", "/usr/bin:/bin", "LD_LIBRARY_PATH", "/opt/lib", "HOME", dir.toString()))
                .build();
    }

    @Test
    void passesTheReferenceArgumentsAsAList() throws Exception {
        OpFile f = file(ModelSet.SERVICE, 0);

        CompileOutcome outcome = compiler().compile(request(f, Optional.empty()));

        assertReferenceRun(outcome, f);
        assertThat(((CompileOutcome.Compiled) outcome).outputTail()).contains("ATC run success");
    }

    @Test
    void aTimeLimitBeyondWhatAClockCountsIsNoLimit() throws Exception {
        // --timeout allows 2^31-1 s per job; a shared call of several jobs has theirs together (over 292 years)
        OpFile f = file(ModelSet.SERVICE, 0);
        CompileRequest request = request(f, Optional.of(Duration.ofSeconds(Integer.MAX_VALUE).multipliedBy(32)));

        CompileOutcome outcome = compiler().compile(request);

        assertThat(request.timeout()).isEmpty();
        assertReferenceRun(outcome, f);
        assertThat(request(f, Optional.of(CompileRequest.LONGEST_TIMEOUT)).timeout()).contains(CompileRequest.LONGEST_TIMEOUT);
    }

    @Test
    void trainingRunsWithoutLogLevelAsTheReferenceDoes() throws Exception {
        compiler().compile(request(file(ModelSet.TRAINING, 0), Optional.empty()));

        assertThat(fake.runs().get(0).args()).noneMatch(a -> a.startsWith("--log"));
    }

    @Test
    void childSeesTheReferenceEnvironmentAndAPrivateWorkingDirectory() throws Exception {
        compiler().compile(request(file(ModelSet.SERVICE, 0), Optional.empty()));

        FakeToolkit.AtcRun run = fake.runs().get(0);
        Path home = fake.home();
        assertThat(run.env()).containsEntry("PATH", home.resolve("bin") + ":/usr/bin:/bin")
                .containsEntry("LD_LIBRARY_PATH", home.resolve("lib64") + ":/opt/lib")
                .containsEntry("PYTHONPATH", home.resolve("python/site-packages").toString())
                .containsEntry("ASCEND_OPP_PATH", home.resolve("opp").toString())
                .containsEntry("MAX_COMPILE_CORE_NUMBER", "1")
                .containsEntry("ASCEND_WORK_PATH", work.toString());
        assertThat(run.cwd()).isEqualTo(work.toString());
        assertThat(work.resolve("fusion_result.json")).exists();
        assertThat(work.resolve("kernel_meta")).isDirectory();
    }

    @Test
    void childSeesExactlyTheEnvironmentItIsGivenNothingTheWatchdogShellAdds() throws Exception {
        childSeesExactlyTheEnvironmentItIsGiven(AtcCompiler.builder());
    }

    @Test
    void underTheShellWatchdogTooTheChildSeesExactlyTheEnvironmentItIsGiven() throws Exception {
        childSeesExactlyTheEnvironmentItIsGiven(AtcCompiler.builder().withShellWatchdog());
    }

    private void childSeesExactlyTheEnvironmentItIsGiven(AtcCompiler.Builder builder) throws Exception {
        // FakeToolkit's bin/atc is a compiled program: no shell or interpreter of the fixture's own adds PWD,
        // SHLVL, _ or LC_CTYPE to what is recorded.
        fake.configure(Map.of("dump_env", true));
        AtcCompiler compiler = builder.toolkit(fake.toolkit())
                // LC_ALL given: a python3 in between (the watchdog) adds LC_CTYPE under the C locale (PEP 538) otherwise.
                .baseEnvironment(Map.of("PATH", "/usr/bin:/bin", "HOME", dir.toString(), "PWD", "/not/the/cwd",
                        "LC_ALL", "C.UTF-8", "ODD", "a b'c\"$(d)\n"))
                .build();
        CompileRequest request = request(file(ModelSet.SERVICE, 0), Optional.empty());

        assertThat(compiler.compile(request)).isInstanceOf(CompileOutcome.Compiled.class);

        assertThat(dumpedEnvironment()).isEqualTo(compiler.environment(request));
    }

    @Test
    void argumentsAndDirectoriesWithShellCharactersReachAtcUnchanged() throws Exception {
        Path odd = Files.createDirectories(dir.resolve("a b'c\"$(touch x)`y`;*"));
        work = Files.createDirectories(odd.resolve("work"));
        out = odd.resolve("out");
        OpFile f = file(ModelSet.SERVICE, 0);

        CompileOutcome outcome = compiler().compile(request(f, Optional.empty()));

        assertReferenceRun(outcome, f);
        assertThat(fake.runs().get(0).cwd()).isEqualTo(work.toString());
        assertThat(dir.resolve("x")).doesNotExist();
    }

    @Test
    void failureCarriesOpsCommandExitStatusErrorCodeAndOutputTail() throws Exception {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "E10025")));
        OpFile f = file(ModelSet.SERVICE, 10);

        CompileOutcome outcome = compiler().compile(request(f, Optional.empty()));

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(failure.ops()).containsExactly("FpToFp16");
            assertThat(failure.exitStatus()).hasValue(255);
            assertThat(failure.errorCode()).hasValue("E10025");
            assertThat(failure.command()).first().isEqualTo(fake.home().resolve("bin/atc").toString());
            assertThat(failure.outputTail()).contains("ATC run failed").contains("E10025: Op[FpToFp16]");
            assertThat(failure.describe()).contains(f.fileName()).contains("FpToFp16").contains("exit status 255")
                    .contains("ATC error E10025").contains("command: " + fake.home().resolve("bin/atc"));
        });
    }

    @Test
    void outputTailKeepsTheLastLinesAndTheErrorLinesThatScrolledOut() throws Exception {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "EZ9999")));
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).tailLines(2).build();

        CompileFailure failure = (CompileFailure) atc.compile(request(file(ModelSet.SERVICE, 10), Optional.empty()));

        assertThat(failure.outputTail().lines()).containsExactly(
                "EZ9999: Op[FpToFp16] build failed in the fixture.",
                "[... 1 lines not shown ...]",
                "        Solution: see the fixture",
                "        TraceBack (most recent call last):");
        assertThat(failure.errorCode()).hasValue("EZ9999");
    }

    @Test
    void timeoutKillsTheProcessItsChildrenAndItsReparentedGrandchildren() throws Exception {
        fake.configure(Map.of("hang_tree", List.of("IvfCidFilter3")));

        // The fixture must have recorded its processes before the timeout kills it: 1 s, doubled until the
        // attempt's own run had (the records of earlier attempts stay, so they are counted before each).
        DoublingTimeout.Run<Attempt> run = DoublingTimeout.until(Duration.ofSeconds(1), Attempt::recorded,
                t -> attempt(fake::treePids, () -> compiler().compile(request(file(ModelSet.SERVICE, 0), Optional.of(t)))));

        assertThat(run.result().outcome()).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.TIMEOUT);
            // As messages write it (CompileFailureTest pins the format): a doubled timeout may pass a minute.
            assertThat(f.describe()).contains("timed out after " + CompileFailure.seconds(run.timeout()) + " and was killed");
        });
        long[] pids = fake.treePids().stream().flatMapToLong(java.util.stream.LongStream::of).toArray();  // every attempt's
        Waits.until("atc, its child and its re-parented grandchild are gone",
                () -> RunningProcesses.running(pids).isEmpty());
    }

    /** One timed compile, and whether its hanging ATC recorded its processes (a record of this attempt). */
    private record Attempt(CompileOutcome outcome, boolean recorded) {
    }

    private static Attempt attempt(java.util.function.Supplier<List<long[]>> records,
                                   java.util.concurrent.Callable<CompileOutcome> compile) throws Exception {
        int before = records.get().size();
        CompileOutcome outcome = compile.call();
        return new Attempt(outcome, records.get().size() > before);
    }

    @Test
    void withoutAWatchdogATimeoutStillKillsTheProcessAndItsChildren() throws Exception {
        fake.configure(Map.of("hang", List.of("IvfCidFilter3")));
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).withoutWatchdog().build();

        CompileOutcome outcome = DoublingTimeout.until(Duration.ofSeconds(1), Attempt::recorded,
                t -> attempt(fake::hungPids, () -> atc.compile(request(file(ModelSet.SERVICE, 0), Optional.of(t)))))
                .result().outcome();

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class,
                f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.TIMEOUT));
        long[] pids = fake.hungPids().stream().flatMapToLong(java.util.stream.LongStream::of).toArray();  // every attempt's
        Waits.until("atc and its child are gone", () -> RunningProcesses.running(pids).isEmpty());
    }

    @Test
    void aTimedJobThatFinishesInTimeCompiles() throws Exception {
        OpFile f = file(ModelSet.SERVICE, 0);

        CompileOutcome outcome = compiler().compile(request(f, Optional.of(Duration.ofMinutes(10))));

        assertReferenceRun(outcome, f);
    }

    @Test
    void childDoesNotInheritTheJvmsEnvironment() throws Exception {
        // A variable of this JVM's own environment that the base environment leaves out.
        String inherited = System.getenv().keySet().stream()
                .filter(k -> !k.equals("PATH") && !k.equals("LD_LIBRARY_PATH") && !k.equals("HOME"))
                .filter(k -> !List.of("PWD", "OLDPWD", "SHLVL", "_", "LC_CTYPE", "LC_ALL").contains(k))
                .findFirst().orElseThrow();
        fake.configure(Map.of("dump_env", true));

        CompileRequest request = request(file(ModelSet.SERVICE, 0), Optional.empty());
        assertThat(compiler().compile(request)).isInstanceOf(CompileOutcome.Compiled.class);

        assertThat(dumpedEnvironment()).doesNotContainKey(inherited).containsEntry("HOME", dir.toString());
    }

    private Map<String, Object> dumpedEnvironment() throws IOException {
        try (var files = Files.list(fake.home().resolve("records"))) {
            Path dump = files.filter(p -> p.getFileName().toString().startsWith("env-")).findFirst().orElseThrow();
            @SuppressWarnings("unchecked")
            Map<String, Object> seen = (Map<String, Object>) io.ivfsp.json.JsonReader.read(Files.readString(dump));
            return seen;
        }
    }

    @Test
    void compileWorkersAreHandedToAtcOnlyWhenSet() throws Exception {
        OpFile f = file(ModelSet.SERVICE, 0);
        Path json = Files.write(dir.resolve(f.fileName()), f.jsonBytes());
        AtcCompiler atc = compiler();

        assertThat(atc.environment(new CompileRequest(f, json, out, work, "Ascend310P3", Optional.empty(),
                new Cancellation(), 3))).containsEntry("TE_PARALLEL_COMPILER", "3");
        assertThat(atc.environment(new CompileRequest(f, json, out, work, "Ascend310P3", Optional.empty(),
                new Cancellation(), 0))).doesNotContainKey("TE_PARALLEL_COMPILER");
    }

    @Test
    void aJobCancelledBeforeItStartsRunsNoAtc() throws Exception {
        Cancellation cancelled = new Cancellation();
        cancelled.cancel();
        OpFile f = file(ModelSet.SERVICE, 0);
        Path json = Files.write(dir.resolve(f.fileName()), f.jsonBytes());

        CompileOutcome outcome = compiler().compile(new CompileRequest(f, json, out, work, "Ascend310P3",
                Optional.empty(), cancelled));

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(CompileFailure.Kind.CANCELLED);
            assertThat(failure.detail()).isEqualTo("cancelled before start");
            assertThat(failure.command()).first().isEqualTo(fake.home().resolve("bin/atc").toString());
        });
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void anAtcThatCannotBeStartedIsALaunchFailureNamingTheCommand() throws Exception {
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).withoutWatchdog().build();
        Files.delete(fake.home().resolve("bin/atc"));

        CompileOutcome outcome = atc.compile(request(file(ModelSet.SERVICE, 0), Optional.empty()));

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, failure -> {
            assertThat(failure.kind()).isEqualTo(CompileFailure.Kind.LAUNCH);
            assertThat(failure.detail()).startsWith("could not start ATC: ");
            assertThat(failure.command()).first().isEqualTo(fake.home().resolve("bin/atc").toString());
            assertThat(failure.exitStatus()).isEmpty();
        });
    }

    @Test
    void withoutAWatchdogAJobStillCompilesWithTheReferenceArguments() throws Exception {
        OpFile f = file(ModelSet.SERVICE, 0);
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).withoutWatchdog().build();

        assertReferenceRun(atc.compile(request(f, Optional.of(Duration.ofMinutes(10)))), f);
    }

    @Test
    void aJobCancelledWhileRunningIsKilledWithItsChildrenAndSaysHowItEnded() throws Exception {
        fake.configure(Map.of("hang", List.of("IvfCidFilter3")));
        Cancellation cancellation = new Cancellation();
        OpFile f = file(ModelSet.SERVICE, 0);
        Path json = Files.write(dir.resolve(f.fileName()), f.jsonBytes());
        CompileRequest request = new CompileRequest(f, json, out, work, "Ascend310P3", Optional.empty(), cancellation);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CompileOutcome> job = pool.submit(() -> compiler().compile(request));
            Waits.until("atc hangs", () -> !fake.hungPids().isEmpty());
            cancellation.cancel();

            assertThat(job.get()).isInstanceOfSatisfying(CompileFailure.class, failure -> {
                assertThat(failure.kind()).isEqualTo(CompileFailure.Kind.CANCELLED);
                assertThat(failure.detail()).isEqualTo("cancelled and killed with its children");
                assertThat(failure.exitStatus()).as("killed by SIGKILL").hasValue(128 + 9);
            });
        } finally {
            pool.shutdownNow();
        }
        long[] pids = fake.hungPids().get(0);
        Waits.until("atc and its child are gone", () -> RunningProcesses.running(pids).isEmpty());
    }

    @Test
    void anInterruptedJobKillsItsAtcAndPassesTheInterruptOn() throws Exception {
        fake.configure(Map.of("hang", List.of("IvfCidFilter3")));
        CompileRequest request = request(file(ModelSet.SERVICE, 0), Optional.empty());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CompileOutcome> job = pool.submit(() -> compiler().compile(request));
            Waits.until("atc hangs", () -> !fake.hungPids().isEmpty());
            job.cancel(true);
            pool.shutdown();
            Waits.until("the interrupted job ended", pool::isTerminated);
        } finally {
            pool.shutdownNow();
        }
        long[] pids = fake.hungPids().get(0);
        Waits.until("atc and its child are gone", () -> RunningProcesses.running(pids).isEmpty());
    }

    @Test
    void theTimeAJobTookIsMeasuredAroundIt() throws Exception {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "E10025")));
        CompileRequest ok = request(file(ModelSet.SERVICE, 0), Optional.empty());
        CompileRequest failing = request(file(ModelSet.SERVICE, 10), Optional.empty());
        AtcCompiler atc = compiler();

        for (CompileRequest r : List.of(ok, failing)) {
            long before = System.nanoTime();
            CompileOutcome outcome = atc.compile(r);
            Duration around = Duration.ofNanos(System.nanoTime() - before);

            assertThat(outcome.elapsed()).isPositive().isLessThanOrEqualTo(around);
        }
    }

    @Test
    void missingAtcNamesThePathAndTheVariables() {
        Path nowhere = dir.resolve("nowhere");
        AtcToolkit discovered = AtcToolkit.discover(Map.of("ASCEND_HOME", nowhere.toString()));

        assertThatThrownBy(() -> AtcCompiler.builder().toolkit(discovered).build())
                .isInstanceOf(ToolkitNotFoundException.class)
                .hasMessageContaining(nowhere.resolve("ascend-toolkit/latest/bin/atc").toString())
                .hasMessageContaining("ASCEND_HOME").hasMessageContaining("ASCEND_VERSION");
    }

    @Test
    void discoveryFollowsTheReferenceDefaults() {
        assertThat(AtcToolkit.discover(Map.of()).atc()).isEqualTo(Path.of("/usr/local/Ascend/ascend-toolkit/latest/bin/atc"));
        assertThat(AtcToolkit.discover(Map.of("ASCEND_HOME", "/opt/a", "ASCEND_VERSION", "v8")).home())
                .isEqualTo(Path.of("/opt/a/v8"));
    }

    @Test
    void oppVersionIsReadFromTheToolkit() {
        assertThat(fake.toolkit().oppVersionInfo()).hasValue("Version=8.0.0-fake\n");
    }
}
