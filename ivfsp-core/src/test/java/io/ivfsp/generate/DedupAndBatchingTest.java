package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each distinct model compiled once across configurations, and small jobs batched into one ATC run. */
@Execution(ExecutionMode.CONCURRENT)  // its cases use their own directories and toolkits: side by side, they end sooner
class DedupAndBatchingTest {

    @TempDir
    Path dir;
    FakeToolkit fake;
    Path root;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        root = Files.createDirectories(dir.resolve("out"));
    }

    private ModelGeneratorBuilder generator() {
        return fake.generator(root);
    }

    private Set<String> compiledFiles() {
        return fake.runs().stream().map(r -> Path.of(r.arg("singleop")).getFileName().toString()).collect(Collectors.toSet());
    }

    @Test
    void indexesThatDifferInNlistShareTheirFpToFp16AndCidFilterModels() {
        // FpToFp16 (17) and IvfCidFilter3 (1) do not depend on nlist: 18 of the 27 service models are shared.
        ModelPlan a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).processId(0).build(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);

        GenerationResult r = generator().build().generate(List.of(a, b));

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.compilerRuns()).isEqualTo(27 + 9);
        assertThat(fake.runs()).hasSize(36);
        assertThat(r.models()).hasSize(54);
        assertThat(r.models().stream().map(ModelHandle::path).distinct()).hasSize(27 + 9);
        assertThat(root.resolve("config/fp_to_fp16_op_1_pid1.json")).exists();
        try (ModelStore store = ModelStore.open(root)) {
            Manifest m = store.manifest(ModelSet.SERVICE);
            assertThat(m.entry("fp_to_fp16_op_1_pid0.json").orElseThrow().key())
                    .isEqualTo(m.entry("fp_to_fp16_op_1_pid1.json").orElseThrow().key());
        }
    }

    @Test
    void aConfigurationAddedLaterReusesWhatAnotherCompiled() {
        generator().build().generate(OpCatalog.plan(IvfspConfig.builder().nlist(1024).build(), ModelSet.SERVICE));
        int before = fake.runs().size();

        GenerationResult r = generator().build().generate(
                OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE));

        assertThat(fake.runs().size() - before).isEqualTo(9);
        assertThat(r.reusedModels()).isEqualTo(18);
    }

    @Test
    void samePFordifferentConfigurationsIsRefused() {
        ModelPlan a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).build(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).build(), ModelSet.SERVICE);

        assertThatThrownBy(() -> generator().build().generate(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("own -p");
        assertThat(fake.runs()).isEmpty();
    }

    @Test
    void batchingPacksSmallJobsIntoFewerRunsAndKeepsEveryName() throws IOException {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

        GenerationResult r = generator().batching(BatchingMode.ALWAYS).build().generate(plan);

        assertThat(r.isSuccess()).as(r.failures().toString()).isTrue();
        assertThat(r.compilerRuns()).isLessThan(27);
        assertThat(fake.runs()).hasSize(r.compilerRuns());
        assertThat(fake.runs()).anyMatch(run -> Path.of(run.arg("singleop")).getFileName().toString().startsWith("batch-of-"));
        Set<String> expected = plan.files().stream().flatMap(f -> f.omFileNames().stream()).collect(Collectors.toSet());
        try (var s = Files.list(root.resolve("op_models"))) {
            assertThat(s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".om")))
                    .containsExactlyInAnyOrderElementsOf(expected);
        }
        // Each member is recorded under its own file: a second run reuses everything.
        int runs = fake.runs().size();
        assertThat(generator().batching(BatchingMode.ALWAYS).build().generate(plan).reusedModels()).isEqualTo(27);
        assertThat(fake.runs()).hasSize(runs);
    }

    @Test
    void aMemberTheBatchDidNotProduceIsCompiledAlone() {
        // ATC reports only the last op's status: an earlier op of the batch fails, ATC exits 0.
        fake.configure(Map.of("fail_op", Map.of("FpToFp16", "EZ9999")));
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

        GenerationResult r = generator().batching(BatchingMode.ALWAYS).build().generate(plan);

        // Alone, the failing op is the last one: ATC's exit status reports it.
        assertThat(r.failures()).hasSize(17).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(f.errorCode()).hasValue("EZ9999");
            assertThat(f.file().name()).startsWith("fp_to_fp16_op_");
        });
        assertThat(compiledFiles()).anyMatch(n -> n.startsWith("batch-of-"));
        assertThat(compiledFiles()).as("each failed member was retried alone")
                .containsAll(plan.files().subList(10, 27).stream().map(OpFile::fileName).toList());
        assertThat(r.models()).hasSize(10);
    }

    @Test
    void aFailedOpInASharedCallIsItsOwnJobAndTheOthersOfTheCallAreKept() {
        fake.configure(Map.of("fail_op", Map.of("IvfCidFilter3", "EZ9999")));
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

        GenerationResult r = generator().parallelism(1).batching(BatchingMode.ALWAYS).build().generate(plan);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file().name()).startsWith("ivf_cid_filter3_op");
            assertThat(f.errorCode()).hasValue("EZ9999");
        });
        assertThat(r.models()).hasSize(26);
        // One shared call, then only the failed op again alone: the others were kept from the shared call.
        assertThat(fake.runs()).hasSize(2);
        assertThat(compiledFiles()).hasSize(2).contains(plan.files().get(0).fileName())
                .anyMatch(n -> n.startsWith("batch-of-27-"));
    }

    @Test
    void aJobLockedByAnotherGeneratorDoesNotHoldTheWorker() throws Exception {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        OpFile first = plan.files().get(0);
        var atc = io.ivfsp.atc.AtcCompiler.builder().toolkit(fake.toolkit()).build();
        String key = io.ivfsp.store.CacheKey.of(first, plan.config().socVersion(), atc.name(), atc.cacheIdentity());
        java.util.concurrent.CountDownLatch othersDone = new java.util.concurrent.CountDownLatch(26);
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
                if (!progress.file().equals(first)) {
                    othersDone.countDown();
                }
            }
        };
        try (ModelStore other = ModelStore.open(root)) {
            ModelStore.JobLock held = other.lockJob(first.outputDirectory(), key, () -> false).orElseThrow();
            GenerationFuture future;
            try {
                // One worker, the locked job first in line: it must not wait while the others can run.
                future = generator().parallelism(1).scheduling(Scheduling.PLAN_ORDER).batching(BatchingMode.NEVER)
                        .listener(listener).build().generateAsync(plan);
                othersDone.await();  // the other 26 jobs ran while the first was locked
                assertThat(compiledFiles()).hasSize(26).doesNotContain(first.fileName());
            } finally {
                held.close();
            }
            GenerationResult r = future.get();
            assertThat(r.isSuccess()).isTrue();
            assertThat(compiledFiles()).hasSize(27).contains(first.fileName());
        }
    }

    @Test
    void traceHasALanePerWorkerASlicePerCallAndAnInstantPerReusedJob() throws IOException {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU);
        Path trace = dir.resolve("trace.json");

        GenerationResult r = generator().parallelism(3).batching(BatchingMode.ALWAYS).trace(trace).build().generate(plan);

        Map<?, ?> json = (Map<?, ?>) io.ivfsp.json.JsonReader.read(Files.readString(trace));
        List<Map<?, ?>> events = ((List<?>) json.get("traceEvents")).stream().<Map<?, ?>>map(e -> (Map<?, ?>) e).toList();
        assertThat(events).filteredOn(e -> "thread_name".equals(e.get("name"))).hasSize(3);
        List<Map<?, ?>> calls = events.stream().filter(e -> "X".equals(e.get("ph"))).toList();
        assertThat(calls).hasSize(r.compilerRuns());
        assertThat(calls).allSatisfy(c -> {
            Map<?, ?> args = (Map<?, ?>) c.get("args");
            assertThat((List<?>) args.get("files")).isNotEmpty();
            assertThat((List<?>) args.get("ops")).isNotEmpty();
            assertThat(((Number) args.get("predicted_s")).doubleValue()).isPositive();
            assertThat(((Number) args.get("real_s")).doubleValue()).isNotNegative();
            assertThat(args.get("status")).isEqualTo("ok");
            assertThat(((Number) c.get("tid")).intValue()).isBetween(1, 3);
        });
        assertThat(calls.stream().flatMap(c -> ((List<?>) ((Map<?, ?>) c.get("args")).get("files")).stream()))
                .hasSize(28);
        assertThat(calls).anyMatch(c -> ((List<?>) ((Map<?, ?>) c.get("args")).get("ops")).size() == 14);

        generator().trace(trace).build().generate(plan);

        List<?> again = (List<?>) ((Map<?, ?>) io.ivfsp.json.JsonReader.read(Files.readString(trace))).get("traceEvents");
        assertThat(again).filteredOn(e -> "i".equals(((Map<?, ?>) e).get("ph"))
                && "reuse".equals(((Map<?, ?>) e).get("cat"))).hasSize(28);
        assertThat(again).noneMatch(e -> "X".equals(((Map<?, ?>) e).get("ph")));
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }
}
