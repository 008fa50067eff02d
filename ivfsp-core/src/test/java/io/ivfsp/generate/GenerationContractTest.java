package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a generation promises its caller, checked with the in-process mock (fast, no processes): the
 * result's verdict, the order jobs start in, fail-fast, what each compiler call is given, the handles
 * and the manifest entries of compiled jobs.
 */
class GenerationContractTest {

    @TempDir
    Path root;

    /** Five jobs of different sizes in two directories: enough to order, few enough to be quick. */
    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    /** Compiles with the mock and remembers each request in the order the compiler was called. */
    static final class RecordingCompiler implements OpCompiler {
        final List<CompileRequest> requests = new CopyOnWriteArrayList<>();
        private final MockOpCompiler mock;
        private final String name;
        private final String identity;

        RecordingCompiler(MockOpCompiler mock, String name, String identity) {
            this.mock = mock;
            this.name = name;
            this.identity = identity;
        }

        RecordingCompiler(MockOpCompiler mock) {
            this(mock, "recording", "recording/1");
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public String cacheIdentity() {
            return identity;
        }

        @Override
        public CompileOutcome compile(CompileRequest request) throws InterruptedException {
            requests.add(request);
            return mock.compile(request);
        }

        List<String> fileNames() {
            return requests.stream().map(r -> r.file().fileName()).toList();
        }
    }

    private ModelGeneratorBuilder serial(OpCompiler compiler) {
        return ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(1).batching(false);
    }

    @Test
    void aFailedJobMakesTheResultUnsuccessfulAndRequireSuccessNamesIt() {
        String failing = plan.files().get(0).fileName();
        MockOpCompiler mock = MockOpCompiler.builder().fail(failing, "E10027").build();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root).build().generate(plan);

        assertThat(r.isSuccess()).isFalse();
        assertThat(r.skipped()).isEmpty();
        assertThat(r.failures()).extracting(f -> f.file().fileName()).containsExactly(failing);
        assertThatThrownBy(r::requireSuccess).isInstanceOf(GenerationException.class).hasMessageContaining(failing);
        assertThat(r.models()).hasSize(r.modelCount() - plan.files().get(0).ops().size());
    }

    @Test
    void aResultIsSuccessfulOnlyWithNeitherFailuresNorSkippedFiles() {
        OpFile f = plan.files().get(0);
        CompileFailure failure = new CompileFailure(f, CompileFailure.Kind.EXIT_STATUS, "x", List.of(),
                java.util.OptionalInt.of(1), Optional.empty(), "", Duration.ZERO);

        GenerationResult ok = new GenerationResult(List.of(plan), root, "mock", true, List.of(), List.of(), List.of(),
                Duration.ZERO, 0);
        GenerationResult failed = new GenerationResult(List.of(plan), root, "mock", true, List.of(), List.of(failure),
                List.of(), Duration.ZERO, 0);
        GenerationResult skipped = new GenerationResult(List.of(plan), root, "mock", true, List.of(), List.of(),
                List.of(f), Duration.ZERO, 0);

        assertThat(ok.isSuccess()).isTrue();
        assertThat(ok.requireSuccess()).isSameAs(ok);
        assertThat(failed.isSuccess()).isFalse();
        assertThat(skipped.isSuccess()).isFalse();
        assertThatThrownBy(skipped::requireSuccess).isInstanceOf(GenerationException.class);
    }

    @Test
    void failFastStartsNothingNewAfterTheFirstFailure() {
        OpFile first = plan.files().get(0);
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.builder().fail(first.fileName(), "E10027").build());

        GenerationResult r = serial(compiler).scheduling(Scheduling.PLAN_ORDER).failFast(true).build().generate(plan);

        assertThat(compiler.fileNames()).containsExactly(first.fileName());
        assertThat(r.failures()).extracting(f -> f.file().fileName()).containsExactly(first.fileName());
        assertThat(r.skipped()).containsExactlyElementsOf(plan.files().subList(1, plan.files().size()));
        assertThat(r.models()).isEmpty();
        assertThat(r.isSuccess()).isFalse();
    }

    @Test
    void withoutFailFastEveryOtherJobStillRuns() {
        OpFile first = plan.files().get(0);
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.builder().fail(first.fileName(), "E10027").build());

        GenerationResult r = serial(compiler).scheduling(Scheduling.PLAN_ORDER).build().generate(plan);

        assertThat(compiler.requests).hasSize(plan.files().size());
        assertThat(r.skipped()).isEmpty();
        assertThat(r.failures()).hasSize(1);
    }

    @Test
    void planOrderStartsTheJobsInTheOrderOfThePlan() {
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.create());

        serial(compiler).scheduling(Scheduling.PLAN_ORDER).build().generate(plan).requireSuccess();

        assertThat(compiler.fileNames()).containsExactlyElementsOf(plan.files().stream().map(OpFile::fileName).toList());
    }

    @Test
    void longestFirstStartsTheJobsWithTheLargestEstimateFirst() {
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.create());

        serial(compiler).build().generate(plan).requireSuccess();

        // Before the run has measured enough calls to learn its own costs, the static estimate decides.
        List<Double> started = compiler.requests.stream().limit(CostModel.MIN_SAMPLES)
                .map(r -> CostModel.STATIC.predict(r.file())).toList();
        List<Double> largest = plan.files().stream().map(CostModel.STATIC::predict)
                .sorted(Comparator.reverseOrder()).limit(CostModel.MIN_SAMPLES).toList();
        assertThat(started).containsExactlyElementsOf(largest);
        assertThat(largest.get(0)).as("the plan has jobs of different sizes")
                .isGreaterThan(plan.files().stream().mapToDouble(CostModel.STATIC::predict).min().orElseThrow());
    }

    @Test
    void aRecordedCompileTimeOutranksTheEstimate() throws IOException {
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.create());
        serial(compiler).build().generate(plan).requireSuccess();
        OpFile smallest = plan.files().stream().min(Comparator.comparingDouble(CostModel.STATIC::predict)).orElseThrow();
        try (ModelStore store = ModelStore.open(root)) {
            Manifest.Entry entry = store.manifest(smallest.set()).entry(smallest.fileName()).orElseThrow();
            List<io.ivfsp.store.StoredModel> models = entry.models().stream().map(m -> new io.ivfsp.store.StoredModel(
                    store.modelDirectory(smallest.set()).resolve(m.name()), m.size(), m.sha256())).toList();
            store.record(smallest, entry.key(), models, Duration.ofHours(1));
        }
        compiler.requests.clear();

        serial(compiler).incremental(false).build().generate(plan).requireSuccess();

        assertThat(compiler.fileNames().get(0)).isEqualTo(smallest.fileName());
    }

    @Test
    void eachCompilerCallGetsTheWorkerShareAndTheJobTimeout() {
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.create());
        ModelGenerator g = ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(2)
                .jobTimeout(Duration.ofMinutes(7)).build();

        g.generate(IvfspConfig.defaults(), ModelSet.AICPU).requireSuccess();

        int processors = Runtime.getRuntime().availableProcessors();
        assertThat(g.compileWorkers()).isEqualTo(Math.max(1, processors / 2));
        assertThat(compiler.requests).isNotEmpty().allSatisfy(r -> {
            assertThat(r.compileWorkers()).isEqualTo(g.compileWorkers());
            assertThat(r.timeout()).hasValue(Duration.ofMinutes(7));
            assertThat(r.socVersion()).isEqualTo(IvfspConfig.defaults().socVersion());
        });
    }

    @Test
    void theWorkerShareIsTheProcessorsPerParallelJobAtLeastOneUnlessSet() {
        int processors = Runtime.getRuntime().availableProcessors();
        MockOpCompiler mock = MockOpCompiler.create();

        assertThat(ModelGenerator.builder().compiler(mock).parallelism(1).build().compileWorkers()).isEqualTo(processors);
        assertThat(ModelGenerator.builder().compiler(mock).parallelism(32).build().compileWorkers())
                .isEqualTo(Math.max(1, processors / 32));
        assertThat(ModelGenerator.builder().compiler(mock).parallelism(32).compileWorkers(5).build().compileWorkers())
                .isEqualTo(5);
        RecordingCompiler compiler = new RecordingCompiler(mock);
        serial(compiler).build().generate(IvfspConfig.defaults(), ModelSet.AICPU).requireSuccess();
        assertThat(compiler.requests).allSatisfy(r -> assertThat(r.timeout()).isEmpty());
    }

    @Test
    void compileWorkers_outOfRange() {
        for (int w : new int[] {0, 33}) {
            assertThatThrownBy(() -> ModelGenerator.builder().compileWorkers(w))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1..32").hasMessageContaining("" + w);
        }
        assertThat(ModelGenerator.builder().compiler(MockOpCompiler.create()).compileWorkers(32).build().compileWorkers())
                .isEqualTo(32);
        assertThat(ModelGenerator.builder().compiler(MockOpCompiler.create()).compileWorkers(1).build().compileWorkers())
                .isEqualTo(1);
    }

    @Test
    void handlesNameEachModelItsOpItsJsonFileItsSizeAndItsHash() throws IOException {
        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generate(plan).requireSuccess();

        List<ModelHandle> expected = new ArrayList<>();
        assertThat(r.models()).hasSize(r.modelCount());
        int k = 0;
        for (OpFile f : plan.files()) {
            for (int i = 0; i < f.ops().size(); i++) {
                ModelHandle h = r.models().get(k++);
                assertThat(h.set()).isEqualTo(f.set());
                assertThat(h.opType()).isEqualTo(f.ops().get(i).opType());
                assertThat(h.opIndex()).isEqualTo(i);
                assertThat(h.jsonFile()).isEqualTo(root.resolve("config").resolve(f.fileName()));
                assertThat(h.path()).isEqualTo(root.resolve(f.set().outputDirectory()).resolve(f.omFileNames().get(i)));
                assertThat(h.size()).isEqualTo(Files.size(h.path())).isPositive();
                assertThat(h.sha256()).isEqualTo(Sha256.of(h.path()));
                assertThat(h.reused()).isFalse();
            }
        }
        assertThat(r.compiledModels()).isEqualTo(r.modelCount());
        assertThat(r.reusedModels()).isZero();
        assertThat(r.compilerRuns()).isEqualTo(plan.files().size());
        assertThat(r.root()).isEqualTo(root);

        GenerationResult again = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generate(plan).requireSuccess();
        assertThat(again.models()).allMatch(ModelHandle::reused);
        assertThat(again.reusedModels()).isEqualTo(r.modelCount());
        assertThat(again.compiledModels()).isZero();
        assertThat(again.compilerRuns()).isZero();
        assertThat(again.models()).extracting(ModelHandle::sha256).containsExactlyElementsOf(
                r.models().stream().map(ModelHandle::sha256).toList());
    }

    @Test
    void aCompiledJobIsRecordedInTheManifestUnderItsKeyWithItsModels() throws IOException {
        RecordingCompiler compiler = new RecordingCompiler(MockOpCompiler.create());
        GenerationResult r = ModelGenerator.builder().compiler(compiler).outputRoot(root).build()
                .generate(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING).requireSuccess();

        try (ModelStore store = ModelStore.open(root)) {
            for (OpFile f : r.files()) {
                Manifest.Entry e = store.manifest(f.set()).entry(f.fileName()).orElseThrow();
                assertThat(e.key()).isEqualTo(CacheKey.of(f, IvfspConfig.defaults().socVersion(), "recording", "recording/1"));
                assertThat(e.compileSeconds()).isPositive();
                assertThat(e.models()).extracting(Manifest.Model::name).containsExactlyElementsOf(f.omFileNames());
                for (Manifest.Model m : e.models()) {
                    Path p = store.modelDirectory(f.set()).resolve(m.name());
                    assertThat(m.size()).isEqualTo(Files.size(p));
                    assertThat(m.sha256()).isEqualTo(Sha256.of(p));
                }
            }
        }
    }

    @Test
    void anotherBackendOrBackendIdentityCompilesEverythingAgainAndTheSameOneReuses() {
        ModelPlan aicpu = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
        int jobs = aicpu.files().size();
        RecordingCompiler a = new RecordingCompiler(MockOpCompiler.create(), "one", "toolkit-1");
        ModelGenerator.builder().compiler(a).outputRoot(root).build().generate(aicpu).requireSuccess();
        assertThat(a.requests).hasSize(jobs);

        RecordingCompiler same = new RecordingCompiler(MockOpCompiler.create(), "one", "toolkit-1");
        ModelGenerator.builder().compiler(same).outputRoot(root).build().generate(aicpu).requireSuccess();
        assertThat(same.requests).isEmpty();

        RecordingCompiler upgraded = new RecordingCompiler(MockOpCompiler.create(), "one", "toolkit-2");
        ModelGenerator.builder().compiler(upgraded).outputRoot(root).build().generate(aicpu).requireSuccess();
        assertThat(upgraded.requests).hasSize(jobs);

        RecordingCompiler renamed = new RecordingCompiler(MockOpCompiler.create(), "two", "toolkit-2");
        ModelGenerator.builder().compiler(renamed).outputRoot(root).build().generate(aicpu).requireSuccess();
        assertThat(renamed.requests).hasSize(jobs);
    }

    @Test
    void noPlanAtAllIsRefusedBeforeAnythingIsWritten() {
        ModelGenerator g = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build();

        assertThatThrownBy(() -> g.generate(List.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plan");
        assertThat(root).isEmptyDirectory();
    }
}
