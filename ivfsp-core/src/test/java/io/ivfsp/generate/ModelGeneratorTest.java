package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOmFormat;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.InvalidConfigException;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator with the mock compiler: scheduling, listener, options. */
class ModelGeneratorTest {

    @TempDir
    Path root;

    @Test
    void mockProducesModelsNamedAsAtcNamesThem() throws IOException {
        MockOpCompiler mock = MockOpCompiler.create();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root).build()
                .generate(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

        assertThat(r.simulated()).isTrue();
        assertThat(r.compiler()).isEqualTo("mock");
        List<String> expected = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING).files()
                .stream().flatMap(f -> f.omFileNames().stream()).toList();
        assertThat(r.models()).extracting(h -> h.path().getFileName().toString()).containsExactlyElementsOf(expected);
        assertThat(Files.readString(r.models().get(0).path())).startsWith(MockOmFormat.MAGIC + "\nsoc Ascend310P3\nop TopkIvfSp\n");
        assertThat(mock.compiled()).hasSize(5);
    }

    @Test
    void mockFailsTheOpsItIsToldTo() {
        MockOpCompiler mock = MockOpCompiler.builder().fail("DistanceComputeQC", "E10027").build();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.TRAINING);

        assertThat(r.failures()).hasSize(8).allSatisfy(f -> {
            assertThat(f.ops()).containsExactly("DistanceComputeQC");
            assertThat(f.errorCode()).hasValue("E10027");
        });
        assertThat(r.models()).hasSize(27 + 4 - 8);
        assertThat(mock.compiled()).hasSize(27 + 4 - 8);
    }

    @Test
    void jobTimeoutAppliesToTheMock() {
        MockOpCompiler mock = MockOpCompiler.builder().delay("fp_to_fp16_op_1_pid0.json", Duration.ofSeconds(30)).build();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root)
                .jobTimeout(Duration.ofMillis(200)).build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.TIMEOUT);
            assertThat(f.file().fileName()).isEqualTo("fp_to_fp16_op_1_pid0.json");
        });
    }

    @Test
    void listenerSeesEveryJobStartAndEndWithCounts() {
        List<JobProgress> started = new CopyOnWriteArrayList<>();
        List<JobProgress> ended = new CopyOnWriteArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobStarted(JobProgress p) {
                started.add(p);
            }

            @Override
            public void jobSucceeded(JobProgress p, List<ModelHandle> models) {
                assertThat(models).hasSize(p.file().ops().size());
                ended.add(p);
            }

            @Override
            public void jobFailed(JobProgress p, CompileFailure failure) {
                ended.add(p);
            }
        };
        MockOpCompiler mock = MockOpCompiler.builder().fail("IvfCidFilter3", "E10025").build();

        ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(2).listener(listener).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(started).hasSize(27).allMatch(p -> p.total() == 27 && p.running() >= 1);
        assertThat(ended).hasSize(27);
        assertThat(ended).extracting(JobProgress::completed).contains(27);
        assertThat(ended.stream().mapToInt(JobProgress::failed).max()).hasValue(1);
    }

    @Test
    void failingListenerDoesNotStopTheGeneration() {
        GenerationListener broken = new GenerationListener() {
            @Override
            public void jobStarted(JobProgress p) {
                throw new IllegalStateException("listener bug");
            }
        };

        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root)
                .listener(broken).build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(r.isSuccess()).isTrue();
    }

    @Test
    void injectedExecutorIsBoundedByTheParallelism() {
        MockOpCompiler mock = MockOpCompiler.builder().delay("FpToFp16", Duration.ofMillis(30)).build();
        ExecutorService wide = Executors.newFixedThreadPool(16);
        try {
            GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root).executor(wide)
                    .parallelism(2).build().generate(IvfspConfig.defaults(), ModelSet.SERVICE);

            assertThat(r.isSuccess()).isTrue();
            // at most the parallelism; how many overlap within a 30 ms delay depends on the machine
            assertThat(mock.maxConcurrentJobs()).isBetween(1, 2);
            assertThat(wide.isShutdown()).as("an injected executor is the caller's").isFalse();
        } finally {
            wide.shutdownNow();
        }
    }

    @Test
    void compilerOwnLimitCapsTheParallelism() {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger max = new AtomicInteger();
        MockOpCompiler mock = MockOpCompiler.create();
        OpCompiler serial = new OpCompiler() {
            @Override
            public String name() {
                return "serial";
            }

            @Override
            public int maxParallelism() {
                return 1;
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                max.accumulateAndGet(running.incrementAndGet(), Math::max);
                Thread.sleep(5);
                try {
                    return mock.compile(request);
                } finally {
                    running.decrementAndGet();
                }
            }
        };

        ModelGenerator g = ModelGenerator.builder().compiler(serial).outputRoot(root).parallelism(8).build();
        GenerationResult r = g.generate(IvfspConfig.defaults(), ModelSet.SERVICE);

        assertThat(g.parallelism()).isEqualTo(1);
        assertThat(r.isSuccess()).isTrue();
        assertThat(max.get()).isEqualTo(1);
    }

    @Test
    void compilerThatThrowsIsReportedAsABackendFailure() {
        OpCompiler broken = new OpCompiler() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CompileOutcome compile(CompileRequest request) {
                throw new IllegalStateException("boom");
            }
        };

        GenerationResult r = ModelGenerator.builder().compiler(broken).outputRoot(root).build()
                .generate(IvfspConfig.defaults(), ModelSet.AICPU);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.BACKEND);
            assertThat(f.detail()).contains("boom");
        });
    }

    @Test
    void invalidConfigurationIsRejectedBeforeAnythingIsWritten() throws IOException {
        IvfspConfig config = IvfspConfig.builder().handleBatch(250).build();
        Path out = root.resolve("out");

        assertThatThrownBy(() -> ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(out).build()
                .generate(config, ModelSet.SERVICE))
                .isInstanceOf(InvalidConfigException.class).hasMessageContaining("-handle_batch");
        assertThat(out).doesNotExist();
    }

    @Test
    void parallelism_outOfRange() {
        for (int p : new int[] {0, 33}) {
            assertThatThrownBy(() -> ModelGenerator.builder().parallelism(p))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..32").hasMessageContaining("" + p);
        }
        assertThat(ModelGenerator.builder().compiler(MockOpCompiler.create()).parallelism(32).build().parallelism())
                .isEqualTo(32);
        assertThat(ModelGenerator.builder().compiler(MockOpCompiler.create()).build().parallelism()).isEqualTo(16);
    }

    @Test
    void jobTimeout_notPositive() {
        assertThatThrownBy(() -> ModelGenerator.builder().jobTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0S");
    }

    @Test
    void compiler_required() {
        assertThatThrownBy(() -> ModelGenerator.builder().build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("compiler");
    }

    @Test
    void combinedPlanWithACollidingTrainingFileKeepsBothModels() {
        IvfspConfig config = IvfspConfig.builder().trainBatchSize(32).build();

        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generate(config, ModelSet.SERVICE, ModelSet.TRAINING);

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.models()).hasSize(31);
        assertThat(root.resolve("config/distance_compute_qc_op32_pid0.json")).content().contains("float32");
        assertThat(root.resolve("config/distance_compute_qc_op32_pid0_pyacl.json")).content().doesNotContain("float32");
        OpFile training = r.plan().files(ModelSet.TRAINING).get(3);
        assertThat(root.resolve("op_models_pyacl").resolve(training.omFileNames().get(0))).isNotEmptyFile();
    }

    @Test
    void twoConfigurationsGivingOneFileNameDifferentContentsAreRefusedBeforeAnythingIsWritten() {
        MockOpCompiler mock = MockOpCompiler.create();
        var a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).build(), ModelSet.SERVICE);
        var b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).build(), ModelSet.SERVICE);

        assertThatThrownBy(() -> ModelGenerator.builder().compiler(mock).outputRoot(root.resolve("out")).build()
                .generate(List.of(a, b)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("own -p");
        assertThat(mock.compiled()).isEmpty();
        assertThat(root.resolve("out")).doesNotExist();
    }

    @Test
    void modelsReusedForAnotherConfigurationsFilesAreRecordedForThoseFilesToo() {
        // Two configurations whose service files differ in name (-p) but share content: the second run reuses
        // the first one's models, and its manifest then knows its own files, with the same key.
        var a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).build(), ModelSet.SERVICE);
        var b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);
        MockOpCompiler mock = MockOpCompiler.create();
        ModelGenerator g = ModelGenerator.builder().compiler(mock).outputRoot(root).build();
        g.generate(a).requireSuccess();

        GenerationResult r = g.generate(b).requireSuccess();

        assertThat(r.reusedModels()).isPositive();
        List<OpFile> reused = b.files().stream().filter(f -> r.models().stream()
                .anyMatch(h -> h.reused() && h.jsonFile().getFileName().toString().equals(f.fileName()))).toList();
        assertThat(reused).isNotEmpty().allSatisfy(f -> assertThat(a.files()).noneMatch(x -> x.fileName().equals(f.fileName())));
        try (io.ivfsp.store.ModelStore store = io.ivfsp.store.ModelStore.open(root)) {
            for (OpFile f : reused) {
                String key = io.ivfsp.store.CacheKey.of(f, b.config().socVersion(), mock.name(), mock.cacheIdentity());
                assertThat(store.manifest(f.set()).entry(f.fileName())).as(f.fileName())
                        .hasValueSatisfying(e -> assertThat(e.key()).isEqualTo(key));
            }
        }
    }
}
