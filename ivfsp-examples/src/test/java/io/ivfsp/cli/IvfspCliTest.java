package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspParameter;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class IvfspCliTest {

    @TempDir
    Path dir;
    Path cwd;
    FakeToolkit fake;
    CliRunner cli;
    CliRunner noToolkit;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        cwd = Files.createDirectories(dir.resolve("work"));
        Map<String, String> env = Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit",
                "PATH", System.getenv("PATH"));
        cli = new CliRunner(env, cwd, false);
        noToolkit = new CliRunner(Map.of("ASCEND_HOME", dir.resolve("none").toString(), "PATH", System.getenv("PATH")),
                cwd, false);
    }

    static Stream<Path> vectors() throws IOException, URISyntaxException {
        Path root = Paths.get(IvfspCliTest.class.getResource("/vectors").toURI());
        try (Stream<Path> s = Files.list(root)) {
            return s.sorted().toList().stream();
        }
    }

    private static Set<String> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            // Hidden entries are the store's own (.ivfsp-manifest.json, .ivfsp-locks): see storeFilesAreHidden.
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith("."))
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void reproducesTheReferenceScriptsOutputs(Path vector) throws IOException {
        String[] command = Files.readString(vector.resolve("command.txt")).trim().concat(" --no-batch").split("\\s+");

        CliRunner.Result r = cli.run(command);

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(list(cwd.resolve("config"))).isEqualTo(list(vector.resolve("config")));
        for (String f : list(vector.resolve("config"))) {
            assertThat(cwd.resolve("config").resolve(f)).hasSameBinaryContentAs(vector.resolve("config").resolve(f));
        }
        Set<String> expectedOms = Files.readAllLines(vector.resolve("om-names.txt")).stream().filter(l -> !l.isBlank())
                .map(l -> l.substring(l.indexOf(" -> ") + 4)).collect(Collectors.toCollection(TreeSet::new));
        String outDir = command[0].equals("training") ? "op_models_pyacl" : "op_models";
        assertThat(list(cwd.resolve(outDir))).isEqualTo(expectedOms);
        assertThat(list(cwd)).containsExactlyInAnyOrder("config", outDir);
        List<String> expectedCalls = Files.readAllLines(vector.resolve("atc-invocations.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        assertThat(fake.runs()).hasSameSizeAs(expectedCalls).allSatisfy(run -> {
            assertThat(run.arg("soc_version")).isEqualTo("Ascend310P3");
            assertThat(expectedCalls).anyMatch(call -> call.contains("/" + Path.of(run.arg("singleop")).getFileName()));
            assertThat(run.args().contains("--log=error")).isEqualTo(!command[0].equals("training"));
        });
    }

    @Test
    void omittedFlagsTakeTheDocumentedDefaults() throws Exception {
        CliRunner.Result r = cli.run("service");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(cwd.resolve("config/ivf_cid_filter3_op32_pid0.json")).hasSameBinaryContentAs(
                vectors().filter(v -> v.endsWith("service-d256-default")).findFirst().orElseThrow()
                        .resolve("config/ivf_cid_filter3_op32_pid0.json"));
    }

    @Test
    void storeFilesAreHidden() throws IOException {
        cli.run("aicpu");

        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config", "op_models",
                    ".ivfsp-locks");
        }
        try (Stream<Path> s = Files.list(cwd.resolve("op_models"))) {
            assertThat(s.map(p -> p.getFileName().toString())).filteredOn(n -> !n.endsWith(".om"))
                    .containsExactly(".ivfsp-manifest.json");
        }
    }

    @Test
    void secondRunReusesEverythingAndRebuildCompilesAgain() {
        cli.run("training");

        CliRunner.Result again = cli.run("training");
        CliRunner.Result rebuild = cli.run("training", "--rebuild");

        assertThat(again.out()).contains("4 of 4 models generated (0 compiled, 4 reused)").contains("reused");
        assertThat(rebuild.out()).contains("4 of 4 models generated (4 compiled, 0 reused)");
        assertThat(fake.runs()).hasSize(8);
    }

    @Test
    void hashVerificationCatchesAnAlteredModel() throws IOException {
        cli.run("training");
        Path model;
        try (Stream<Path> s = Files.list(cwd.resolve("op_models_pyacl"))) {
            model = s.filter(p -> p.toString().endsWith(".om")).sorted().findFirst().orElseThrow();
        }
        byte[] b = Files.readAllBytes(model);
        b[b.length - 2] ^= 1;
        Files.write(model, b);

        assertThat(cli.run("training").out()).as("its stat changed").contains("(1 compiled, 3 reused)");
        Files.write(model, b);
        assertThat(cli.run("training", "--verification", "hash").out()).contains("(1 compiled, 3 reused)");
        assertThat(cli.run("training", "--verification", "stat").out()).contains("(0 compiled, 4 reused)");
        assertThat(cli.run("training", "--verification", "size").out()).as("the former name of stat")
                .contains("(0 compiled, 4 reused)");
        assertThat(cli.run("training", "--verification", "quick").err()).contains("--verification = quick: must be stat or hash");
    }

    @Test
    void pruneRemovesWhatThePlanNoLongerNeeds() throws IOException {
        cli.run("training", "-batch_size", "4096");

        CliRunner.Result r = cli.run("training", "--prune");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).contains("1 models no longer needed were removed:")
                .contains("op_models_pyacl/0_DistanceComputeQC_1_2_4096_256");
        assertThat(list(cwd.resolve("op_models_pyacl"))).hasSize(4).noneMatch(n -> n.contains("_4096_256_"));
    }

    @Test
    void severalConfigurationsShareTheirCommonModels() throws IOException {
        CliRunner.Result r = cli.run("service", "-nlist", "1024,2048", "-p", "0,1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("54 of 54 models generated (54 compiled, 0 reused)").contains("36 compiler runs");
        assertThat(fake.runs()).hasSize(36);
        assertThat(list(cwd.resolve("config"))).hasSize(54)
                .contains("fp_to_fp16_op_1_pid0.json", "fp_to_fp16_op_1_pid1.json");
        assertThat(list(cwd.resolve("op_models"))).hasSize(36);
    }

    @Test
    void severalConfigurationsNeedTheirOwnP() {
        CliRunner.Result r = cli.run("service", "-nlist", "1024,2048");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("configuration 1 (-nlist 1024) and 2 (-nlist 2048) both write 9 files with different"
                + " contents: config/distance_masked_ivf_sp_int_l2_mins_op1_pid0.json, ").contains("give each configuration its own -p, e.g. -p 0,1");
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void listsOfSeveralConfigurationsMustAgreeInLength() {
        CliRunner.Result r = cli.run("service", "-nlist", "1024,2048", "-d", "256,512,768", "-p", "-1");

        assertThat(r.exit()).isEqualTo(2);
        // Lists are checked in flag order: -d (3 values) comes before -nlist (2).
        assertThat(r.err()).contains("-nlist (nlist) = 1024,2048: lists of several configurations must all have the same length (3)");
    }

    @Test
    void violationsOfSeveralConfigurationsSayWhichOne() {
        CliRunner.Result r = cli.run("service", "-nlist", "1024,3000", "-p", "0,1");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("configuration 2: -nlist (nlist) = 3000");
    }

    @Test
    void batchCompilesSmallJobsTogether() throws IOException {
        CliRunner.Result r = cli.run("service", "--batch");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("27 of 27 models generated (27 compiled, 0 reused)");
        assertThat(fake.runs().size()).isLessThan(27);
        assertThat(list(cwd.resolve("op_models"))).hasSize(27);
    }

    @Test
    void compileWorkersSetsTeParallelCompiler() {
        assertThat(cli.run("aicpu", "--compile-workers", "3").exit()).isZero();
        assertThat(fake.runs()).singleElement().satisfies(run -> assertThat(run.env()).containsEntry("TE_PARALLEL_COMPILER", "3"));
        CliRunner.Result bad = cli.run("aicpu", "--compile-workers", "40");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("--compile-workers = 40: must be within 1..32");
    }

    @Test
    void allCompilesTheThreeSetsInOnePool() throws IOException {
        CliRunner.Result r = cli.run("all", "--pool", "4");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.runs()).hasSize(27 + 1 + 4);
        assertThat(list(cwd.resolve("op_models"))).hasSize(41);
        assertThat(list(cwd.resolve("op_models_pyacl"))).hasSize(4);
        assertThat(r.out()).contains("45 of 45 models generated (45 compiled, 0 reused), 0 jobs failed");
        assertThat(fake.maxConcurrentRuns()).isLessThanOrEqualTo(4);
    }

    @Test
    void everyViolationIsListedWithFlagValueAndWhatIsAllowed() {
        CliRunner.Result r = cli.run("service", "-d", "100", "-nonzero_num", "24", "-handle_batch", "250", "--pool", "40");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("invalid configuration (4 problems)")
                .contains("-d (dim) = 100: must be one of [64, 128, 256, 512, 768]")
                .contains("-nonzero_num (nonzeroNum) = 24: must be a positive multiple of 16")
                .contains("-handle_batch (handleBatch) = 250: must be a multiple of 16 from 16 to 240")
                .contains("--pool = 40: must be within 1..32");
        assertThat(cwd.resolve("config")).doesNotExist();
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void coresOtherThanEightAreRefusedWithTheReason() {
        CliRunner.Result r = cli.run("aicpu", "--cores", "2");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--cores (cores) = 2: must be 8").contains("310P");
    }

    @Test
    void flagsOfAnotherScriptAreUsageErrors() {
        CliRunner.Result r = cli.run("aicpu", "-d", "128");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("ivfsp aicpu: error: unrecognized arguments: -d 128\nTry 'ivfsp aicpu --help'\n");
    }

    @Test
    void nonNumericValueIsAUsageError() {
        CliRunner.Result r = cli.run("training", "-batch_size", "lots");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("-batch_size").contains("lots");
    }

    @Test
    void equalsFormOfFlagsIsAccepted() throws IOException {
        CliRunner.Result r = cli.run("training", "-d=128", "-nonzero_num=64", "-nlist=4096", "-code_num=8192",
                "-batch_size=4096", "-p=2");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(list(cwd.resolve("config"))).contains("distance_compute_qc_op4096_pid2.json");
    }

    @Test
    void planNeedsNoToolkitAndWritesOnlyTheJsonFiles() throws IOException {
        CliRunner.Result r = noToolkit.run("service", "--plan");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(list(cwd)).containsExactly("config");
        assertThat(list(cwd.resolve("config"))).hasSize(27);
        assertThat(r.out()).contains("config/ivf_cid_filter3_op32_pid0.json -> op_models/")
                .contains("IvfCidFilter3  in: uint8[32768] int32[32768]")
                .contains("out: uint16[32,2048] uint16[8,16]")
                .contains("27 JSON files written to").contains("27 models to compile for Ascend310P3");
    }

    @Test
    void withoutAToolkitThePlainCommandSaysWhereItLookedAndSuggestsPlan() {
        CliRunner.Result r = noToolkit.run("service");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains(dir.resolve("none/ascend-toolkit/latest/bin/atc").toString())
                .contains("ASCEND_HOME").contains("--plan");
        assertThat(cwd.resolve("config")).doesNotExist();
    }

    @Test
    void explicitToolkitOverridesTheEnvironment() throws IOException {
        CliRunner.Result r = noToolkit.run("aicpu", "--toolkit", fake.home().toString());

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(list(cwd.resolve("op_models"))).hasSize(14);
    }

    @Test
    void mockBackendIsLabelledSimulated() throws IOException {
        CliRunner.Result r = noToolkit.run("all", "--backend", "mock");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("SIMULATED");
        assertThat(r.out()).contains("45 of 45 models generated (SIMULATED)").contains("backend mock");
        assertThat(list(cwd.resolve("op_models"))).hasSize(41);
    }

    @Test
    void autoBackendUsesAtcWhenTheToolkitIsThereAndTheMockOtherwise() {
        assertThat(cli.run("aicpu", "--backend", "auto").out()).contains("backend atc");
        assertThat(fake.runs()).hasSize(1);
        assertThat(noToolkit.run("aicpu", "--backend", "auto").out()).contains("backend mock").contains("SIMULATED");
    }

    @Test
    void unknownBackendListsTheAvailableOnes() {
        CliRunner.Result r = cli.run("service", "--backend", "tbe");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("--backend = 'tbe': must be one of atc, native, mock, auto");
    }

    @Test
    void compileFailureExitsOneWithTheAtcDetails() {
        fake.configure(Map.of("fail", Map.of("FpToFp16", "E10025")));

        CliRunner.Result r = cli.run("service");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("FAILED fp_to_fp16_op_1024_pid0.json (FpToFp16)").contains("exit status 255")
                .contains("ATC error E10025").contains("command: " + fake.home().resolve("bin/atc"));
        assertThat(r.out()).contains("FAILED exit_status E10025").contains("10 of 27 models generated (10 compiled, 0 reused), 17 jobs failed");
    }

    @Test
    void failFastLeavesTheRestNotStarted() {
        // The longest-expected job starts first.
        fake.configure(Map.of("fail", Map.of("DistanceMaskedIVFSpIntL2Mins", "E10025")));

        CliRunner.Result r = cli.run("service", "--pool", "1", "--fail-fast", "--no-batch");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("26 not started").contains("not started");
        assertThat(fake.runs()).hasSize(1);
    }

    @Test
    void quietPrintsNothingOnSuccess() {
        CliRunner.Result r = cli.run("aicpu", "-q");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
    }

    @Test
    void jsonSummaryDescribesEveryModelAndFailure() {
        fake.configure(Map.of("fail", Map.of("CorrCompute", "EZ9999")));

        CliRunner.Result r = cli.run("training", "--json");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out().trim()).startsWith("{\"success\": false, \"backend\": \"atc\", \"simulated\": false,"
                + " \"soc_version\": \"Ascend310P3\"").endsWith("}");
        assertThat(r.out()).contains("\"op\": \"MatmulCompute\"").contains("\"sha256\": \"")
                .contains("\"json\": \"matmul_compute_ata_op32768_pid0.json\", \"ops\": [\"CorrCompute\"],"
                        + " \"kind\": \"EXIT_STATUS\"")
                .contains("\"exit_status\": 255, \"error_code\": \"EZ9999\"");
        assertThat(r.out().lines()).hasSize(1);
    }

    @Test
    void installToPlacesEveryModelInOneDirectoryAndPrintsTheExport() throws IOException {
        CliRunner.Result r = cli.run("all", "--backend", "mock", "--install-to", "modelpath");

        assertThat(r.exit()).as(r.err()).isZero();
        Path modelpath = cwd.resolve("modelpath");
        assertThat(list(modelpath)).hasSize(45).anyMatch(n -> n.contains("CorrCompute"));
        assertThat(r.out()).contains("45 models installed into " + modelpath)
                .contains("export MX_INDEX_MODELPATH=" + modelpath);
    }

    @Test
    void installToThroughASymbolicLinkIsRefused() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Files.createSymbolicLink(cwd.resolve("link"), real);

        CliRunner.Result r = cli.run("aicpu", "--backend", "mock", "--install-to", "link/models");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("symbolic link").contains(cwd.resolve("link").toString());
        assertThat(list(real)).isEmpty();
    }

    @Test
    void outputRootCanBeChosen() throws IOException {
        CliRunner.Result r = cli.run("aicpu", "-o", "out");

        assertThat(r.exit()).isZero();
        assertThat(list(cwd)).containsExactly("out");
        assertThat(list(cwd.resolve("out"))).containsExactlyInAnyOrder("config", "op_models");
    }

    @Test
    void helpDocumentsEveryFlagWithItsDefaultAndRange() {
        CliRunner.Result r = cli.run("all", "--help");
        String help = r.out().replaceAll("\\s+", " ");

        assertThat(r.exit()).isZero();
        for (IvfspParameter p : IvfspParameter.values()) {
            assertThat(help).contains(p.flag() + "=<" + p.property() + ">").contains(p.allowed())
                    .contains("Default: " + p.defaultValue() + ".");
        }
        assertThat(help).contains("--pool=<pool_size>").contains("1 to 32").contains("--plan").contains("--backend")
                .contains("--install-to").contains("Exit status: 0 success, 1 compile failure, 2 invalid");
    }

    @Test
    void eachSubcommandOffersExactlyItsScriptsFlags() {
        String aicpu = cli.run("aicpu", "-h").out();
        String service = cli.run("service", "-h").out();
        String training = cli.run("training", "-h").out();

        assertThat(aicpu).contains("--cores").contains("-p=").doesNotContain("-nlist").doesNotContain("--pool");
        assertThat(service).contains("-handle_batch").contains("--pool").doesNotContain("-batch_size");
        assertThat(training).contains("-batch_size").contains("-code_num").doesNotContain("-handle_batch");
    }

    @Test
    void noSubcommandIsAUsageError() {
        CliRunner.Result r = cli.run();

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("service, aicpu, training, all, verify or doctor");
    }

    @Test
    void progressLineIsDrawnOnATerminal() {
        CliRunner.Result r = new CliRunner(Map.of(), cwd, true).run("service", "--backend", "mock");

        assertThat(r.exit()).isZero();
        assertThat(r.err()).contains("\r[").contains("[27/27] running 0, elapsed").contains("ETA 0.0s");
    }

    @Test
    void progressLineIsNotDrawnWhenQuietOrJson() {
        CliRunner terminal = new CliRunner(Map.of(), cwd, true);

        assertThat(terminal.run("service", "--backend", "mock", "--json").err()).doesNotContain("\r[");
        List<String> errs = new ArrayList<>();
        errs.add(terminal.run("service", "--backend", "mock", "-q").err());
        assertThat(errs).allMatch(String::isEmpty);
    }
}
