package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.GeneratorProcess;
import io.ivfsp.testing.RunningProcesses;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing an ATC run started outlives it: not after a cancel, not after SIGTERM of the generator's
 * JVM, not after kill -9 of it; ATC's compile workers included, even those re-parented away from it.
 * The fixture's {@code hang_tree} runs hang with a child and a re-parented grandchild and record the
 * three pids; the tests wait for those records, never for a time.
 */
class AtcProcessLifetimeTest {

    private static final int JOBS = 4;

    @TempDir
    Path dir;
    FakeToolkit fake;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() {
        fake = FakeToolkit.create(dir);
        fake.configure(Map.of("hang_tree", List.of("*")));
    }

    @AfterEach
    void killLeftovers() {
        // Whatever a failing test leaves must not hang the build or load the machine.
        started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
        started.forEach(Process::destroyForcibly);
        fake.treePids().forEach(pids -> LongStream.of(pids).forEach(
                pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly)));
    }

    private long[] allTreePids() {
        return fake.treePids().stream().flatMapToLong(LongStream::of).toArray();
    }

    @Test
    void cancelKillsEveryRunningAtcWithAllItsProcessesAndReportsEachJob() throws Exception {
        List<OpFile> files = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().subList(0, JOBS);
        Cancellation cancellation = new Cancellation();
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).build();
        ExecutorService pool = Executors.newFixedThreadPool(JOBS);
        try {
            List<Future<CompileOutcome>> outcomes = new ArrayList<>();
            for (OpFile f : files) {
                Path json = Files.write(dir.resolve(f.fileName()), f.jsonBytes());
                Path work = Files.createDirectories(dir.resolve("work-" + f.name()));
                CompileRequest request = new CompileRequest(f, json, Files.createDirectories(dir.resolve("out")), work,
                        "Ascend310P3", Optional.empty(), cancellation);
                outcomes.add(pool.submit(() -> atc.compile(request)));
            }
            Waits.until("every ATC recorded its processes", () -> fake.treePids().size() == JOBS);
            long[] pids = allTreePids();
            assertThat(RunningProcesses.running(pids)).hasSize(3 * JOBS);

            long t0 = System.nanoTime();
            cancellation.cancel();
            long cancelMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            long goneMillis = Waits.until("every process of every ATC run is gone",
                    () -> RunningProcesses.running(pids).isEmpty());
            System.out.printf("cancel of %d hanging ATC runs (%d processes): cancel() returned in %d ms,"
                    + " all processes gone %d ms after it returned%n", JOBS, pids.length, cancelMillis, goneMillis);

            for (Future<CompileOutcome> f : outcomes) {
                assertThat(f.get()).isInstanceOfSatisfying(CompileFailure.class,
                        failure -> assertThat(failure.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void sigtermOfTheGeneratorKillsEveryAtcProcessAndReportsTheInterruptedJobs() throws Exception {
        Path log = dir.resolve("generator.log");
        Process jvm = startGenerator(log);
        long[] pids = awaitHangingAtcRuns(jvm);

        long t0 = System.nanoTime();
        jvm.destroy();
        long goneMillis = Waits.until("every process the generator started is gone",
                () -> RunningProcesses.running(pids).isEmpty());
        Waits.exit(jvm);  // the generator exits
        System.out.printf("SIGTERM of a generator with %d hanging ATC runs: its %d processes gone in %d ms%n",
                JOBS, pids.length, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        assertThat(goneMillis).isNotNegative();

        List<String> failed = Files.readAllLines(log).stream().filter(l -> l.startsWith("failed ")).toList();
        assertThat(failed).hasSize(JOBS).allMatch(l -> l.endsWith(" CANCELLED"));
    }

    @Test
    void killMinus9OfTheGeneratorKillsEveryAtcProcessWithoutWaitingForAnotherRun() throws Exception {
        Process jvm = startGenerator(dir.resolve("generator.log"));
        long[] pids = awaitHangingAtcRuns(jvm);

        long t0 = System.nanoTime();
        jvm.destroyForcibly();
        Waits.until("every process the killed generator started is gone",
                () -> RunningProcesses.running(pids).isEmpty());
        System.out.printf("kill -9 of a generator with %d hanging ATC runs: its %d processes gone in %d ms%n",
                JOBS, pids.length, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
    }

    @Test
    void aLaterRunRemovesTheStagingOfAKilledRunOnceAndNeverWarnsAboutIt() throws Exception {
        Process jvm = startGenerator(dir.resolve("generator.log"));
        long[] pids = awaitHangingAtcRuns(jvm);
        jvm.destroyForcibly();
        Waits.until("every process the killed generator started is gone",
                () -> RunningProcesses.running(pids).isEmpty());
        fake.configure(Map.of());
        Path root = dir.resolve("root");

        List<String> infoLog = List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=info");
        ChildJvm.Result first = ChildJvm.runWithOptions(infoLog, Map.of(), List.of(), GeneratorProcess.class,
                root.toString(), fake.home().toString(), "4");
        ChildJvm.Result second = ChildJvm.runWithOptions(infoLog, Map.of(), List.of(), GeneratorProcess.class,
                root.toString(), fake.home().toString(), "4");

        assertThat(first.exit()).as(first.out()).isZero();
        assertThat(second.exit()).as(second.out()).isZero();
        assertThat(first.out().lines().filter(l -> l.contains("removing the staging directory of a dead run")))
                .hasSize(1);
        assertThat(first.out() + second.out()).doesNotContain("WARN");
        assertThat(second.out()).doesNotContain("staging directory");
        assertThat(root.resolve(io.ivfsp.store.ModelStore.STAGING_DIRECTORY)).doesNotExist();
    }

    /**
     * A compile worker that starts a session of its own ({@code setsid}, as a daemon does) leaves ATC's
     * process group and is re-parented away: neither the watchdog's group kill nor a walk of the
     * process tree reaches it, and it outlives kill -9 of the generator. Closing this needs a
     * container for every descendant (a PID namespace, a cgroup, or a child subreaper), which a shell
     * watchdog cannot make.
     */
    @Test
    void killMinus9OfTheGeneratorAlsoKillsADescendantThatStartedASessionOfItsOwn() throws Exception {
        Path escaped = Files.createDirectories(dir.resolve("escaped"));
        Path atc = fake.home().resolve("bin").resolve("atc");
        FakeToolkit.installExecutable(atc, ("#!/bin/sh\n"
                + "setsid sh -c 'echo $$ > " + escaped + "/$$.pid.tmp; mv " + escaped + "/$$.pid.tmp " + escaped
                + "/$$.pid; exec sleep 600' &\n"
                + "exec sleep 600\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Process jvm = startGenerator(dir.resolve("generator.log"));
        List<Long> pids = new ArrayList<>();
        try {
            Waits.until("every ATC started its daemon", () -> count(escaped) == JOBS);
            try (var s = Files.list(escaped)) {
                s.forEach(f -> pids.add(Long.parseLong(f.getFileName().toString().replace(".pid", ""))));
            }
            jvm.destroyForcibly();
            Waits.until("every process the killed generator started is gone",
                    () -> RunningProcesses.running(pids.stream().mapToLong(Long::longValue).toArray()).isEmpty());
        } finally {
            pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    private static long count(Path d) {
        try (var s = Files.list(d)) {
            return s.filter(f -> f.getFileName().toString().endsWith(".pid")).count();
        } catch (IOException e) {
            return -1;
        }
    }

    /** Waits until every ATC of the generator hangs; then the pids of all it started, and of the fixture's trees. */
    private long[] awaitHangingAtcRuns(Process jvm) throws InterruptedException {
        Waits.until("every ATC recorded its processes", () -> fake.treePids().size() == JOBS);
        return LongStream.concat(LongStream.of(allTreePids()), jvm.descendants().mapToLong(ProcessHandle::pid))
                .distinct().toArray();
    }

    private Process startGenerator(Path log) throws IOException {
        Path root = Files.createDirectories(dir.resolve("root"));
        ProcessBuilder pb = new ProcessBuilder(ChildJvm.command(HangingGeneration.class, root.toString(),
                fake.home().toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }
}
