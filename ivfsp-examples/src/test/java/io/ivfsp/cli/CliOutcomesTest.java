package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.Waits;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

/** What the terminal says, and what is refused before any compile (issue 12, items 8-16). */
@Isolated("sets the system property that chooses the compiler")
class CliOutcomesTest {

    @TempDir
    Path dir;
    Path cwd;
    FakeToolkit fake;
    Map<String, String> toolkitEnv;
    CliRunner cli;
    CliRunner noToolkit;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        cwd = Files.createDirectories(dir.resolve("work"));
        toolkitEnv = Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit", "PATH", System.getenv("PATH"));
        cli = new CliRunner(toolkitEnv, cwd, false);
        noToolkit = new CliRunner(Map.of("ASCEND_HOME", dir.resolve("none").toString(), "PATH", System.getenv("PATH")),
                cwd, false);
    }

    private static List<String> entries(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    // 8: two configurations writing one file name

    @Test
    void configurationsThatShareFileNamesAreRefusedInPlanAndRun() throws IOException {
        CliRunner.Result plan = noToolkit.run("all", "--plan", "-d", "256,512");
        CliRunner.Result run = cli.run("all", "-d", "256,512");

        for (CliRunner.Result r : List.of(plan, run)) {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("configuration 1 (-d 256) and 2 (-d 512) both write 30 files with different"
                    + " contents: config/distance_masked_ivf_sp_int_l2_mins_op1_pid0.json")
                    .contains("config/matmul_compute_ata_op32768_pid0.json").contains("-p 0,1");
            assertThat(r.out()).doesNotContain("JSON files written");
        }
        assertThat(entries(cwd)).isEmpty();
        assertThat(fake.runs()).isEmpty();
        assertThat(noToolkit.run("all", "--plan", "-d", "256,512", "-p", "0,1").exit()).isZero();
    }

    // 9: simulated models are installed only when the backend is named

    @Test
    void autoFallingBackToTheMockDoesNotInstall() throws IOException {
        Path target = dir.resolve("modelpath");
        CliRunner.Result r = noToolkit.run("service", "--backend", "auto", "-q", "--install-to", target.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("refusing to install SIMULATED models (backend 'mock'")
                .contains("--backend mock");
        assertThat(target).doesNotExist();
        assertThat(entries(cwd)).isEmpty();
    }

    @Test
    void namedMockInstallsWithAWarningThatSurvivesQuiet() throws IOException {
        Path target = dir.resolve("modelpath");
        CliRunner.Result r = noToolkit.run("aicpu", "--backend", "mock", "-q", "--install-to", target.toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("SIMULATED: backend 'mock'").contains("installed into " + target);
        assertThat(entries(target)).hasSize(14);
    }

    @Test
    void autoWithoutInstallFallsBackToTheMockSayingSo() {
        CliRunner.Result r = noToolkit.run("aicpu", "--backend", "auto");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("no real compiler backend is available, so --backend auto uses 'mock'")
                .contains("atc (rank 100): unavailable");
        assertThat(r.out()).contains("(SIMULATED)");
    }

    // 12: each failure once; -q prints errors only

    /** Runs the CLI in a child JVM with its own logging set-up (the tests' is left out of the class path). */
    private static String childCli(Map<String, String> env, Path cwd, String... args) throws Exception {
        String classPath = Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(e -> !e.endsWith("test-classes")).collect(Collectors.joining(File.pathSeparator));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", classPath, IvfspCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().remove(OpCompilers.ENVIRONMENT);
        Waits.Finished cli = Waits.run(pb);
        return "exit " + cli.exit() + "\n" + cli.out();
    }

    @Test
    void eachFailedJobIsPrintedOnceWithItsDetails() throws Exception {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "E10025")));

        String out = childCli(toolkitEnv, cwd, "service", "--pool", "4");

        assertThat(out).startsWith("exit 1");
        List<String> blocks = out.lines().filter(l -> l.startsWith("FAILED ")).toList();
        assertThat(blocks).hasSize(17).allMatch(l -> l.contains("ATC error E10025"));
        assertThat(out.split("fp_to_fp16_op_1024_pid0.json \\(FpToFp16\\)", -1)).hasSize(2);
        assertThat(out).doesNotContain("WARN").contains("10 of 27 models generated");
    }

    @Test
    void quietPrintsErrorsOnly() throws Exception {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "E10025")));

        String out = childCli(toolkitEnv, cwd, "service", "--pool", "4", "-q");

        assertThat(out).startsWith("exit 1");
        assertThat(out.lines().skip(1)).allMatch(l -> l.startsWith("FAILED ") || l.startsWith("  "))
                .filteredOn(l -> l.startsWith("FAILED ")).hasSize(17);
        assertThat(out).doesNotContain("INFO").doesNotContain("WARN");
    }

    // 11: progress

    @Test
    void withoutATerminalProgressIsPlainLinesWithoutCarriageReturns() {
        CliRunner.Result r = cli.run("aicpu");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).doesNotContain("\r").contains("[1/1] running 0, elapsed ")
                .contains(": aicpu_topk_ops0.json compiled");
    }

    private static JobProgress progress(OpFile f, int succeeded, int running, long elapsedMs) {
        return new JobProgress(f, 27, succeeded, 0, 0, running, Duration.ofMillis(elapsedMs), Duration.ZERO);
    }

    @Test
    void terminalLineNeverGoesBackwardsAndEndsWithTheFinalState() {
        StringWriter text = new StringWriter();
        List<String> shown = new ArrayList<>();
        ProgressLine line = ProgressLine.create(new ProgressLine.Status() {
            @Override
            public synchronized void show(String l) {
                shown.add(l);
            }

            @Override
            public void clear() {
            }
        }, new PrintWriter(text), false);
        OpFile f = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(0);

        line.jobSucceeded(progress(f, 5, 3, 100), List.of());
        line.jobSucceeded(progress(f, 3, 4, 90), List.of()); // a late event from another worker
        line.finish();

        List<Integer> done;
        synchronized (shown) {
            done = shown.stream().map(s -> Integer.parseInt(s.substring(1, s.indexOf('/')))).toList();
        }
        assertThat(done).isSorted().endsWith(5);
        assertThat(shown.get(shown.size() - 1)).endsWith(System.lineSeparator());
        assertThat(text.toString()).isEmpty();
    }

    @Test
    void logLinesOnATerminalClearTheProgressLineAndItComesBackBelow() throws IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        TerminalErr err = new TerminalErr(bytes);

        err.show("[1/2] running 1");
        err.write("WARN something\n".getBytes(StandardCharsets.UTF_8));
        err.show("[2/2] running 0");
        err.clear();

        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("\r\033[K[1/2] running 1" + "\r\033[KWARN something\n"
                + "\r\033[K[1/2] running 1" + "\r\033[K[2/2] running 0" + "\r\033[K");
    }

    // 13: doctor --toolkit

    @Test
    void doctorJudgesTheToolkitItIsGivenEverywhere() throws IOException {
        CliRunner.Result given = noToolkit.run("doctor", "--toolkit", fake.home().toString());
        Path empty = Files.createDirectories(dir.resolve("empty-toolkit"));
        CliRunner.Result withoutAtc = cli.run("doctor", "--toolkit", empty.toString());

        assertThat(given.exit()).as(given.out()).isZero();
        assertThat(given.out()).contains("atc:      " + fake.home().resolve("bin/atc"))
                .contains("atc (rank 100): available").contains("default:  atc (the available real backend of highest rank)");
        assertThat(withoutAtc.exit()).as("a finding about the toolkit, reported").isEqualTo(1);
        assertThat(withoutAtc.out()).contains("atc:      missing: " + empty.resolve("bin/atc"))
                .contains("atc (rank 100): unavailable").doesNotContain("atc (rank 100): available");
        assertThat(withoutAtc.out().lines().filter(l -> l.startsWith("default:")).findFirst().orElseThrow())
                .as("a complete sentence, not the head of a list that is not there").doesNotEndWith(":");
    }

    @Test
    void doctorRefusesAToolkitThatIsNotADirectoryAsUsage() throws IOException {
        Path missing = dir.resolve("none");
        Path file = Files.writeString(dir.resolve("toolkit-file"), "x");

        for (Path bad : List.of(missing, file)) {
            CliRunner.Result r = cli.run("doctor", "--toolkit", bad.toString());

            assertThat(r.exit()).as(r.err()).isEqualTo(IvfspCli.INVALID);
            assertThat(r.out()).as("no report on a directory that is not there").isEmpty();
            assertThat(r.err()).contains("ivfsp doctor: ").contains("--toolkit " + bad + ": ")
                    .contains(bad.equals(missing) ? "does not exist" : "is not a directory")
                    .contains("give the CANN toolkit directory (the one holding bin/atc)");
        }
        CliRunner.Result relative = cli.run("doctor", "--toolkit", "nowhere");
        assertThat(relative.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(relative.err()).contains("--toolkit " + cwd.resolve("nowhere") + ": does not exist");
    }

    // 14: bad locations, before any compile

    @Test
    void outputRootThatIsAFileIsRefusedBeforeCompiling() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        CliRunner.Result r = cli.run("aicpu", "-o", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("-o/--output-root " + file + ": is not a directory");
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void installDirectoryThatIsAFileOrUnderOneIsRefusedBeforeCompiling() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        CliRunner.Result r = cli.run("aicpu", "--install-to", file.toString());
        CliRunner.Result under = cli.run("aicpu", "--install-to", file.resolve("models").toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--install-to " + file + ": is not a directory");
        assertThat(under.exit()).isEqualTo(2);
        assertThat(under.err()).contains("(cannot create it: " + file + "): is not a directory");
        assertThat(fake.runs()).isEmpty();
        assertThat(entries(cwd)).isEmpty();
    }

    /**
     * What is in the install directory is checked before the first ATC run (issue 11, item 6): a
     * directory or FIFO in place of a model, or a link in the path, was refused only after every model
     * had been compiled.
     */
    @Test
    void foreignObjectsInTheInstallDirectoryAreRefusedBeforeAnyAtcRun() throws IOException, InterruptedException {
        List<String> names = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().stream()
                .flatMap(f -> f.omFileNames().stream()).toList();
        Path target = Files.createDirectories(dir.resolve("mx"));
        Files.createDirectory(target.resolve(names.get(0)));
        Path linked = Files.createSymbolicLink(dir.resolve("linked"), target);

        CliRunner.Result r = cli.run("aicpu", "--install-to", target.toString());
        CliRunner.Result viaLink = cli.run("aicpu", "--install-to", linked.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains(target.resolve(names.get(0)).toString()).contains("is a directory");
        assertThat(viaLink.exit()).isEqualTo(2);
        assertThat(viaLink.err()).contains(linked.toString()).contains("symbolic link");
        assertThat(fake.runs()).isEmpty();
        assertThat(entries(cwd)).isEmpty();
    }

    /**
     * A directory that cannot be created although its parent looks writable: root passes every
     * permission check, but nothing can be created in /proc. Refused before compiling, like a file.
     */
    @Test
    void locationsThatCannotBeCreatedAreRefusedBeforeCompiling() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs Linux /proc");
        Path uncreatable = Path.of("/proc/ivfsp-no-such-dir-" + ProcessHandle.current().pid(), "models");

        CliRunner.Result install = cli.run("aicpu", "-q", "--install-to", uncreatable.toString());
        CliRunner.Result output = cli.run("aicpu", "-q", "-o", uncreatable.toString());
        CliRunner.Result plan = noToolkit.run("aicpu", "--plan", "-o", uncreatable.toString());

        assertThat(install.exit()).as(install.err()).isEqualTo(2);
        assertThat(install.err()).startsWith("ivfsp aicpu: --install-to " + uncreatable);
        for (CliRunner.Result r : List.of(output, plan)) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).startsWith("ivfsp aicpu: -o/--output-root " + uncreatable);
        }
        assertThat(fake.runs()).isEmpty();
        assertThat(entries(cwd)).isEmpty();
    }

    @Test
    void verifyOnAFileIsAUsageError() throws IOException {
        Path file = Files.writeString(dir.resolve("file"), "x");

        CliRunner.Result r = cli.run("verify", "--model-dir", file.toString());

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--model-dir " + file + ": is not a directory");
    }

    // 15: version

    @Test
    void versionNamesTheBuildAndTheToolkit() {
        CliRunner.Result r = cli.run("--version");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).containsPattern("^ivfsp \\d+\\.\\d+\\.\\d+").doesNotContain("development")
                .contains("toolkit " + fake.home() + ": Version=8.0.0-fake");
        assertThat(noToolkit.run("--version").out()).contains("toolkit: none found at " + dir.resolve("none"));
    }

    // 16: one backend choice: flag, system property, environment, rank

    private CliRunner withEnv(Map<String, String> extra) {
        Map<String, String> env = new HashMap<>(toolkitEnv);
        env.putAll(extra);
        return new CliRunner(env, cwd, false);
    }

    @Test
    void backend_environmentIsUsedWhenNothingElseNamesOne() {
        CliRunner.Result r = withEnv(Map.of(OpCompilers.ENVIRONMENT, "mock")).run("aicpu");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("(SIMULATED)").contains("backend mock");
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void backend_flagWinsOverTheEnvironment() {
        CliRunner.Result r = withEnv(Map.of(OpCompilers.ENVIRONMENT, "mock")).run("aicpu", "--backend", "atc");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.runs()).hasSize(1);
    }

    @Test
    void backend_systemPropertyWinsOverTheEnvironment() {
        String before = System.getProperty(OpCompilers.PROPERTY);
        System.setProperty(OpCompilers.PROPERTY, "mock");
        try {
            CliRunner.Result r = withEnv(Map.of(OpCompilers.ENVIRONMENT, "atc")).run("aicpu");

            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).contains("backend mock");
            assertThat(fake.runs()).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty(OpCompilers.PROPERTY);
            } else {
                System.setProperty(OpCompilers.PROPERTY, before);
            }
        }
    }

    @Test
    void backend_rankChoosesAtcWhenNothingNamesOne() {
        CliRunner.Result r = cli.run("aicpu");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("backend atc").doesNotContain("SIMULATED");
        assertThat(fake.runs()).hasSize(1);
    }

    @Test
    void backend_unknownNameFromTheEnvironmentSaysWhereItCameFrom() {
        CliRunner.Result r = withEnv(Map.of(OpCompilers.ENVIRONMENT, "tbe")).run("aicpu");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown compiler backend 'tbe' (environment IVFSP_COMPILER)");
    }

    /** An explicit --backend is a value like any other: empty or unknown is refused, even by --plan, which needs none. */
    @Test
    void backend_explicitEmptyOrUnknownNameIsRefusedBeforeAnythingIsWritten() throws IOException {
        CliRunner.Result empty = withEnv(Map.of(OpCompilers.ENVIRONMENT, "mock")).run("aicpu", "--backend", "");
        CliRunner.Result emptyEquals = cli.run("aicpu", "--backend=");
        CliRunner.Result planUnknown = noToolkit.run("aicpu", "--plan", "--backend", "bogus");
        CliRunner.Result planEmpty = noToolkit.run("service", "--plan", "--back=");

        for (CliRunner.Result r : List.of(empty, emptyEquals, planUnknown, planEmpty)) {
            assertThat(r.exit()).as(r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--backend").contains("must be one of atc, native, mock, auto");
        }
        assertThat(empty.err()).contains("--backend = '':");
        assertThat(planUnknown.err()).contains("--backend = 'bogus':");
        assertThat(entries(cwd)).isEmpty();
        assertThat(fake.runs()).isEmpty();
        assertThat(noToolkit.run("aicpu", "--plan", "--backend", "auto").exit()).isZero();
    }

    // --timeout through the command line (issue 16, item 10): one job, so no other job can be slow

    @Test
    void timeoutKillsAHungJobAndReportsIt() throws IOException {
        fake.configure(Map.of("hang", List.of("aicpu_topk_ops0.json")));

        CliRunner.Result r = cli.run("aicpu", "--timeout", "2");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("FAILED aicpu_topk_ops0.json").contains("timed out after 2 s and was killed with its children");
        assertThat(entries(cwd.resolve("op_models"))).noneMatch(n -> n.endsWith(".om"));
    }

    @Test
    void generousTimeoutLetsAJobFinish() {
        CliRunner.Result r = cli.run("aicpu", "--timeout", "600");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("14 of 14 models generated");
    }

    @Test
    void timeoutMustBePositive() {
        CliRunner.Result r = cli.run("aicpu", "--ti", "0");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--timeout = 0: must be within 1..2147483647");
        assertThat(fake.runs()).isEmpty();
    }
}
