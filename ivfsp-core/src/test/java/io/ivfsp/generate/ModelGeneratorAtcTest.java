package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.files.Sha256;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;
import io.ivfsp.testing.DoublingTimeout;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.RunningProcesses;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator driving the ATC backend against the ATC-like fixture, a real child process. */
@Execution(ExecutionMode.CONCURRENT)  // its cases use their own directories and toolkits: side by side, they end sooner
class ModelGeneratorAtcTest {

    @TempDir
    Path dir;
    FakeToolkit fake;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        root = Files.createDirectories(dir.resolve("out"));
    }

    /**
     * ATC under the shell watchdog ({@link io.ivfsp.atc.LightWatchdog}): for the cases about what the
     * generator makes of ATC's outcomes, whose subject is not the watchdog. The Python watchdog's
     * interpreter costs about 15 ms of CPU a run where the shell's costs 2, and these cases start ATC
     * about 200 times.
     */
    private ModelGeneratorBuilder generator() {
        return fake.generator(root);
    }

    /**
     * ATC under the production watchdog: for the cases of processes that hang, are killed or leave
     * re-parented grandchildren, and the one that generates every set end to end.
     */
    private ModelGeneratorBuilder productionGenerator() {
        return fake.generator(root, AtcCompiler.builder());
    }

    private static Set<String> list(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /** The model files of a directory (it also holds the hidden manifest). */
    private static Set<String> models(Path d) throws IOException {
        return list(d).stream().filter(n -> n.endsWith(".om")).collect(Collectors.toSet());
    }

    private static ModelPlan allSets() {
        return OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
    }

    @Test
    void generatesEveryModelOfAllSetsWithHandles() throws IOException {
        GenerationResult r = productionGenerator().build().generate(allSets());

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.models()).hasSize(45);
        assertThat(fake.runs()).hasSize(27 + 1 + 4);
        assertThat(models(root.resolve("op_models"))).hasSize(41);
        assertThat(models(root.resolve("op_models_pyacl"))).hasSize(4);
        assertThat(list(root.resolve("config"))).hasSize(32);
        for (ModelHandle h : r.models()) {
            assertThat(h.path()).isRegularFile().hasSize(h.size());
            assertThat(Sha256.of(h.path())).isEqualTo(h.sha256());
            assertThat(h.path().getParent().getFileName().toString()).isEqualTo(h.set().outputDirectory());
            assertThat(h.jsonFile()).isRegularFile();
        }
        assertThat(r.models().get(0).opType()).isEqualTo("IvfCidFilter3");
    }

    @Test
    void leavesNothingInTheOutputRootButConfigAndModelDirectories() throws IOException {
        generator().build().generate(allSets());

        assertThat(list(root)).containsExactlyInAnyOrder("config", "op_models", "op_models_pyacl",
                ModelStore.LOCK_DIRECTORY);
        assertThat(list(root.resolve("config"))).allMatch(n -> n.endsWith(".json") && !n.startsWith("."));
        assertThat(list(root.resolve("op_models"))).allMatch(n -> n.endsWith(".om") || n.equals(Manifest.FILE_NAME));
        assertThat(list(root.resolve(ModelStore.LOCK_DIRECTORY))).allMatch(n -> n.endsWith(".lock"));
        assertThat(fake.runs()).extracting(FakeToolkit.AtcRun::cwd).doesNotHaveDuplicates()
                .allMatch(cwd -> cwd.startsWith(root.resolve(ModelStore.STAGING_DIRECTORY).toString()));
    }

    @Test
    void keepGoingProducesEverythingElseAndReportsTheFailure() throws IOException {
        fake.configure(Map.of("fail", Map.of("distance_compute_qc_op16_pid0.json", "E10025")));

        GenerationResult r = generator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.isSuccess()).isFalse();
        assertThat(r.models()).hasSize(26);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file().fileName()).isEqualTo("distance_compute_qc_op16_pid0.json");
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(f.exitStatus()).hasValue(255);
            assertThat(f.errorCode()).hasValue("E10025");
            assertThat(f.command()).anyMatch(a -> a.endsWith("distance_compute_qc_op16_pid0.json"));
            assertThat(f.outputTail()).contains("ATC run failed");
        });
        String failedOm = r.failures().get(0).file().omFileNames().get(0);
        assertThat(root.resolve("op_models").resolve(failedOm)).doesNotExist();
        assertThatThrownBy(r::requireSuccess).isInstanceOf(GenerationException.class)
                .hasMessageContaining("1 of 27 JSON files failed to compile").hasMessageContaining("E10025");
    }

    @Test
    void failFastStartsNothingNewAfterTheFirstFailure() {
        // The longest-expected job starts first.
        fake.configure(Map.of("fail", Map.of("DistanceMaskedIVFSpIntL2Mins", "E10027")));

        GenerationResult r = generator().parallelism(1).failFast(true).batching(BatchingMode.NEVER).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(fake.runs()).hasSize(1);
        assertThat(r.failures()).hasSize(1);
        assertThat(r.skipped()).hasSize(26);
        assertThat(r.models()).isEmpty();
    }

    @Test
    void missingModelDespiteExitZeroIsAFailure() throws IOException {
        // An early op of the AICPU file fails; ATC's exit status is that of the last op: 0.
        fake.configure(Map.of("fail_op", Map.of("TopkSPSQ", "EZ9999")));

        GenerationResult r = generator().build().generate(IvfspConfig.defaults(), ModelSet.AICPU);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.MISSING_MODEL);
            assertThat(f.exitStatus()).hasValue(0);
            assertThat(f.errorCode()).hasValue("EZ9999");
            assertThat(f.detail()).contains("1 of 14").contains("10_TopkSPSQ");
        });
        assertThat(list(root.resolve("op_models"))).isEmpty();
    }

    @Test
    void emptyModelIsAFailure() throws IOException {
        fake.configure(Map.of("empty", List.of("FpToFp16")));

        GenerationResult r = generator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.failures()).hasSize(17).allMatch(f -> f.kind() == CompileFailure.Kind.MISSING_MODEL);
        assertThat(models(root.resolve("op_models"))).hasSize(10).noneMatch(n -> n.contains("FpToFp16"));
    }

    @Test
    void halfWrittenModelOfAKilledAtcNeverReachesTheOutput() throws IOException {
        fake.configure(Map.of("half", List.of("IvfCidFilter3")));

        GenerationResult r = productionGenerator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(f.exitStatus()).isPresent();
            assertThat(f.exitStatus().getAsInt()).isNotZero();
        });
        assertThat(models(root.resolve("op_models"))).hasSize(26).noneMatch(n -> n.contains("IvfCidFilter3"));
        assertThat(list(root)).doesNotContain(ModelStore.STAGING_DIRECTORY);
    }

    @Test
    void timeoutKillsTheJobAndLeavesNoOrphan() throws Exception {
        // Independent of the machine's load: the hanging job hangs forever, the others take no time of
        // their own, and the timeout doubles from 2 s (in a fresh output root each time), with no upper
        // limit, until an attempt was fair: its hanging job recorded its processes (a record of THIS
        // attempt: the records of earlier ones stay) and every other job had time to finish.
        fake.configure(Map.of("hang_tree", List.of("aicpu_topk_ops0.json")));

        GenerationResult r = DoublingTimeout.until(Duration.ofSeconds(2),
                attempt -> attempt.hangRecorded() && attempt.result().failures().size() == 1,
                t -> {
                    root = Files.createDirectories(dir.resolve("out-" + t.toSeconds()));
                    int before = fake.treePids().size();
                    GenerationResult g = productionGenerator().jobTimeout(t).batching(BatchingMode.NEVER).build()
                            .generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU);
                    return new Attempt(g, fake.treePids().size() > before);
                }).result().result();

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.TIMEOUT);
            assertThat(f.file().fileName()).isEqualTo("aicpu_topk_ops0.json");
        });
        assertThat(r.models()).hasSize(27);
        long[] pids = fake.treePids().stream().flatMapToLong(java.util.stream.LongStream::of).toArray();  // every attempt's
        Waits.until("the timed-out ATC, its child and its re-parented grandchild are gone",
                () -> RunningProcesses.running(pids).isEmpty());
        assertThat(list(root)).containsExactlyInAnyOrder("config", "op_models", ModelStore.LOCK_DIRECTORY);
    }

    @Test
    void jobThatFinishesWithinItsTimeoutSucceeds() {
        GenerationResult r = generator().jobTimeout(Duration.ofMinutes(10)).build()
                .generate(IvfspConfig.defaults(), ModelSet.AICPU);

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.models()).hasSize(14);
    }

    @Test
    void cancellingTheFutureKillsRunningAtcReportsItAndStartsNothingNew() throws Exception {
        fake.configure(Map.of("hang_tree", List.of("DistanceMaskedIVFSpIntL2Mins")));
        CountDownLatch started = new CountDownLatch(1);
        List<CompileFailure> reported = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModelGenerator g = productionGenerator().parallelism(1).listener(new GenerationListener() {
            @Override
            public void jobStarted(JobProgress progress) {
                started.countDown();
            }

            @Override
            public void jobFailed(JobProgress progress, CompileFailure failure) {
                reported.add(failure);
            }
        }).build();

        GenerationFuture future = g.generateAsync(IvfspConfig.defaults(), ModelSet.SERVICE);
        try {
            started.await();
            Waits.until("the hanging ATC recorded its processes", () -> !fake.treePids().isEmpty());
        } catch (InterruptedException e) {
            future.cancel(true);  // the test's timeout: leave no ATC running
            throw e;
        }
        long[] pids = fake.treePids().get(0);
        assertThat(future.cancel(true)).isTrue();

        assertThatThrownBy(future::join).isInstanceOf(CancellationException.class);
        Waits.until("the cancelled ATC, its child and its re-parented grandchild are gone",
                () -> RunningProcesses.running(pids).isEmpty());
        Waits.until("the staging area is removed", () -> !Files.exists(root.resolve(ModelStore.STAGING_DIRECTORY)));
        assertThat(reported).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED);
            assertThat(f.ops()).contains("DistanceMaskedIVFSpIntL2Mins");
        });
        assertThat(fake.runs()).isEmpty();
        assertThat(list(root.resolve("op_models"))).isEmpty();
    }

    @Test
    void longestExpectedJobsStartFirst() {
        GenerationResult r = generator().parallelism(1).batching(BatchingMode.NEVER).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING);

        List<String> started = fake.runs().stream().map(run -> Path.of(run.arg("singleop")).getFileName().toString())
                .toList();
        assertThat(r.isSuccess()).isTrue();
        assertThat(started.get(0)).isEqualTo("distance_compute_qc_op32768_pid0.json");
        assertThat(started.subList(started.size() - 3, started.size()))
                .containsExactlyInAnyOrder("fp_to_fp16_op_1_pid0.json", "fp_to_fp16_op_2_pid0.json", "fp_to_fp16_op_4_pid0.json");
    }

    @Test
    void recordedCompileTimesReplaceTheEstimate() throws IOException {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.TRAINING);
        generator().build().generate(plan);
        // Make the recorded time of the smallest job the longest.
        ModelStore store = ModelStore.open(root);
        OpFile cb = plan.files().get(2);
        store.record(cb, "stale-key", store.reusable(cb, "x", io.ivfsp.store.Verification.STAT).orElseGet(List::of),
                Duration.ofHours(1));
        store.close();
        int before = fake.runs().size();

        generator().parallelism(1).incremental(false).build().generate(plan);

        assertThat(Path.of(fake.runs().get(before).arg("singleop")).getFileName().toString())
                .isEqualTo(cb.fileName());
    }

    @Test
    void eachAtcProcessGetsItsShareOfTheProcessors() {
        generator().parallelism(2).build().generate(IvfspConfig.defaults(), ModelSet.AICPU);
        generator().parallelism(2).compileWorkers(3).incremental(false).build().generate(IvfspConfig.defaults(),
                ModelSet.AICPU);

        int share = Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        assertThat(fake.runs()).extracting(run -> run.env().get("TE_PARALLEL_COMPILER"))
                .containsExactly(String.valueOf(share), "3");
    }

    @Test
    void neverRunsMoreAtcProcessesThanTheParallelism() {
        // Each run waits until two runs have been alive at once: overlap without depending on speed.
        fake.configure(Map.of("meet", 2));

        GenerationResult r = generator().parallelism(3).build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.isSuccess()).isTrue();
        assertThat(fake.maxConcurrentRuns()).isLessThanOrEqualTo(3).isGreaterThan(1);
    }

    @Test
    void existingModelIsReplacedAndUnrelatedFilesAreLeftAlone() throws IOException {
        OpFile first = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(0);
        Path models = Files.createDirectories(root.resolve("op_models"));
        Path old = Files.writeString(models.resolve(first.omFileNames().get(0)), "old model");
        Path mine = Files.writeString(models.resolve("user_notes.txt"), "keep me");

        generator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(old).content().startsWith("IVFSP-MOCK-OM 1");
        assertThat(mine).hasContent("keep me");
    }

    @Test
    void symbolicLinkInPlaceOfAnOutputDirectoryIsRefusedBeforeAnythingIsWritten() throws IOException {
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("op_models"), elsewhere);

        assertThatThrownBy(() -> generator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE))
                .isInstanceOf(OutputRefusedException.class).hasMessageContaining(root.resolve("op_models").toString())
                .hasMessageContaining("symbolic link");
        assertThat(list(root)).containsExactly("op_models");
        assertThat(list(elsewhere)).isEmpty();
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void symbolicLinkInPlaceOfAnOutputFileIsRefused() throws IOException {
        OpFile first = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(0);
        Path target = Files.writeString(dir.resolve("precious.json"), "precious");
        Files.createDirectories(root.resolve("config"));
        Files.createSymbolicLink(root.resolve("config").resolve(first.fileName()), target);

        assertThatThrownBy(() -> generator().build().generate(IvfspConfig.defaults(), ModelSet.SERVICE))
                .isInstanceOf(OutputRefusedException.class).hasMessageContaining(first.fileName());
        assertThat(target).hasContent("precious");
        assertThat(fake.runs()).isEmpty();
    }

    /** What one attempt of a timed generation gave, and whether its hanging job recorded its processes. */
    private record Attempt(GenerationResult result, boolean hangRecorded) {
    }
}
