package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the generator does with each compiler call's outcome (with the in-process mock, wrapped to answer as
 * a test needs): a shared call's models placed under their own names and times, a shared call that fails
 * or misses a model, a call that claims success without models, a compiler interrupted.
 */
class CompilerCallTest {

    @TempDir
    Path root;

    /** 27 single-op files of one set: with one worker and forced batching, one shared call. */
    private final ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

    /** The mock, each answer passed through {@code answer}; every request kept. */
    private static final class Wrapped implements OpCompiler {
        final List<CompileRequest> requests = new CopyOnWriteArrayList<>();
        final MockOpCompiler mock;
        final Function<CompileOutcome, CompileOutcome> answer;

        Wrapped(MockOpCompiler mock, Function<CompileOutcome, CompileOutcome> answer) {
            this.mock = mock;
            this.answer = answer;
        }

        @Override
        public String name() {
            return "wrapped";
        }

        @Override
        public CompileOutcome compile(CompileRequest request) throws InterruptedException {
            requests.add(request);
            return answer.apply(mock.compile(request));
        }

        List<String> files() {
            return requests.stream().map(r -> r.file().name()).toList();
        }
    }

    /** A compiler whose every call is interrupted. */
    private static final OpCompiler INTERRUPTED = new OpCompiler() {
        @Override
        public String name() {
            return "interrupted";
        }

        @Override
        public CompileOutcome compile(CompileRequest request) throws InterruptedException {
            throw new InterruptedException("stop");
        }
    };

    private ModelGeneratorBuilder sharing(OpCompiler compiler) {
        return ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(1).batching(BatchingMode.ALWAYS);
    }

    private List<String> omFiles(ModelSet set) throws IOException {
        try (Stream<Path> s = Files.list(root.resolve(set.outputDirectory()))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".om")).sorted().toList();
        }
    }

    @Test
    void aSharedCallHasTheTimeLimitOfItsJobsTogetherAndEachModelItsOwnName() throws IOException {
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o);

        GenerationResult r = sharing(compiler).jobTimeout(Duration.ofSeconds(10)).build().generate(service).requireSuccess();

        assertThat(compiler.requests).singleElement().satisfies(req -> {
            assertThat(req.file().name()).startsWith("batch-of-27-");
            assertThat(req.timeout()).hasValue(Duration.ofSeconds(270));
        });
        assertThat(r.compilerRuns()).isEqualTo(1);
        assertThat(omFiles(ModelSet.SERVICE)).containsExactlyElementsOf(
                service.files().stream().flatMap(f -> f.omFileNames().stream()).sorted().toList());
        assertThat(r.models()).hasSize(27).allSatisfy(h -> assertThat(h.path()).isRegularFile());
    }

    @Test
    void eachMemberOfASharedCallIsRecordedAsNotMeasuredAloneSoThatNoRunLearnsItsOwnGuess() throws IOException {
        // The call took 30 s. How much of it was start-up is what later runs learn from the manifests: a split
        // by the model in use would record that model's own start-up as if it had been measured.
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o instanceof CompileOutcome.Compiled c
                ? new CompileOutcome.Compiled(c.file(), c.command(), c.outputTail(), Duration.ofSeconds(30)) : o);

        sharing(compiler).build().generate(service).requireSuccess();

        assertThat(compiler.requests).singleElement().satisfies(req -> assertThat(req.file().name()).startsWith("batch-of-"));
        double elements = service.files().stream().mapToDouble(CostModel::millionElements).sum();
        try (ModelStore store = ModelStore.open(root)) {
            Manifest m = store.manifest(ModelSet.SERVICE);
            assertThat(service.files()).allSatisfy(f -> {
                Manifest.Entry e = m.entry(f.fileName()).orElseThrow();
                assertThat(e.compileSeconds()).as(f.fileName()).isZero();
                // The call as a whole: what the next run learns from, once.
                assertThat(e.sharedCall()).as(f.fileName()).hasValueSatisfying(c -> {
                    assertThat(c.ops()).isEqualTo(service.files().size());
                    assertThat(c.millionElements()).isCloseTo(elements, org.assertj.core.api.Assertions.within(1e-9));
                    assertThat(c.seconds()).isEqualTo(30.0);
                });
            });
        }
    }

    @Test
    void eachSharedCallIsOneSampleOfTheNextRunsCostModel(@TempDir Path elsewhere) throws IOException {
        // Four shared calls of 2, 3, 4 and 5 jobs, each taking 2 s plus 0.5 s per op: learnable only from the
        // calls as wholes (each member alone is recorded as not measured).
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o instanceof CompileOutcome.Compiled c
                ? new CompileOutcome.Compiled(c.file(), c.command(), c.outputTail(),
                        Duration.ofMillis(2000 + 500L * c.file().ops().size())) : o);
        List<OpFile> files = service.files();
        int from = 0;
        for (int size = 2; size <= 5; size++) {
            ModelPlan part = new ModelPlan(IvfspConfig.defaults(), java.util.Set.of(ModelSet.SERVICE),
                    files.subList(from, from + size));
            sharing(compiler).build().generate(part).requireSuccess();
            from += size;
        }
        assertThat(compiler.files()).hasSize(4).allSatisfy(n -> assertThat(n).startsWith("batch-of-"));

        Path trace = elsewhere.resolve("trace.json");  // (beside the root would be the shared temporary directory)
        ModelPlan all = new ModelPlan(IvfspConfig.defaults(), java.util.Set.of(ModelSet.SERVICE), files.subList(0, from));
        sharing(MockOpCompiler.create()).incremental(false).trace(trace).build().generate(all).requireSuccess();

        Map<?, ?> costs = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) io.ivfsp.json.JsonReader.read(Files.readString(trace)))
                .get("otherData")).get("cost_model");
        assertThat(((Number) costs.get("samples")).intValue()).as("one sample per call, not per job").isEqualTo(4);
        assertThat(((Number) costs.get("startup_s")).doubleValue()).as(costs.toString())
                .isCloseTo(2.0, org.assertj.core.api.Assertions.within(0.2));
        assertThat(((Number) costs.get("per_op_s")).doubleValue()).as(costs.toString())
                .isCloseTo(0.5, org.assertj.core.api.Assertions.within(0.1));
    }

    @Test
    void aSharedCallThatFailsIsCompiledAgainOneJobPerCallAndOnlyTheFailingOpFails() {
        Wrapped compiler = new Wrapped(MockOpCompiler.builder().fail("IvfCidFilter3", "E10027").build(), o -> o);

        GenerationResult r = sharing(compiler).build().generate(service);

        assertThat(compiler.files().get(0)).startsWith("batch-of-27-");
        assertThat(compiler.files().subList(1, compiler.files().size()))
                .containsExactlyInAnyOrderElementsOf(service.files().stream().map(OpFile::name).toList());
        assertThat(r.compilerRuns()).isEqualTo(28);
        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.ops()).containsExactly("IvfCidFilter3");
            assertThat(f.errorCode()).hasValue("E10027");
        });
        assertThat(r.models()).hasSize(26);
    }

    @Test
    void aMemberMissingFromASharedCallIsTheOnlyOneCompiledAgain() throws IOException {
        OpFile lost = service.files().get(5);
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o);
        OpCompiler losing = new OpCompiler() {
            @Override
            public String name() {
                return "losing";
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                CompileOutcome o = compiler.compile(request);
                if (request.file().name().startsWith("batch-of-")) {
                    int i = request.file().ops().indexOf(lost.ops().get(0));
                    try (Stream<Path> s = Files.list(request.outputDirectory())) {
                        for (Path p : s.toList()) {
                            if (p.getFileName().toString().startsWith(i + "_")) {
                                Files.delete(p);
                            }
                        }
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return o;
            }
        };

        GenerationResult r = sharing(losing).build().generate(service).requireSuccess();

        assertThat(compiler.files()).hasSize(2).last().isEqualTo(lost.name());
        assertThat(r.compilerRuns()).isEqualTo(2);
        assertThat(r.models()).hasSize(27);
        assertThat(omFiles(ModelSet.SERVICE)).hasSize(27);
    }

    @Test
    void aCancelledSharedCallFailsEveryMemberAsCancelledAndCompilesNothingAgain() {
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> new CompileFailure(o.file(),
                CompileFailure.Kind.CANCELLED, "cancelled", List.of(), OptionalInt.empty(), Optional.empty(), "",
                Duration.ZERO));

        GenerationResult r = sharing(compiler).build().generate(service);

        assertThat(compiler.requests).hasSize(1);
        assertThat(r.failures()).hasSize(27).allSatisfy(f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
        assertThat(r.failures()).extracting(CompileFailure::file).containsExactlyElementsOf(service.files());
    }

    @Test
    void aCallThatClaimsSuccessWithoutItsModelsIsAMissingModelFailureWithItsCommand() {
        OpFile aicpu = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
        OpCompiler empty = new OpCompiler() {
            @Override
            public String name() {
                return "empty";
            }

            @Override
            public CompileOutcome compile(CompileRequest request) {
                return new CompileOutcome.Compiled(request.file(), List.of("atc", "--singleop=x.json"),
                        "ATC run success\n", Duration.ofMillis(5));
            }
        };

        GenerationResult r = ModelGenerator.builder().compiler(empty).outputRoot(root).build()
                .generate(IvfspConfig.defaults(), ModelSet.AICPU);

        assertThat(r.failures()).filteredOn(f -> f.file().equals(aicpu)).singleElement().satisfies(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.MISSING_MODEL);
            assertThat(f.detail()).startsWith("reported success but did not produce " + aicpu.ops().size() + " of "
                    + aicpu.ops().size() + " models (missing or empty): " + aicpu.omFileNames().get(0));
            assertThat(f.command()).containsExactly("atc", "--singleop=x.json");
            assertThat(f.exitStatus()).hasValue(0);
            assertThat(f.outputTail()).isEqualTo("ATC run success\n");
        });
        assertThat(r.models()).isEmpty();
    }

    @Test
    void aCompilerInterruptedIsACancelledJob() {
        ModelPlan aicpu = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);

        GenerationResult r = ModelGenerator.builder().compiler(INTERRUPTED).outputRoot(root).parallelism(1).build()
                .generate(aicpu);

        assertThat(r.failures()).hasSize(aicpu.files().size()).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED);
            assertThat(f.detail()).isEqualTo("interrupted");
        });
    }
    @Test
    void failingFastTheJobsOfAFailedSharedCallAfterTheFirstFailingOneAreSkipped() {
        Wrapped compiler = new Wrapped(MockOpCompiler.builder().fail("IvfCidFilter3", "E10027").build(), o -> o);
        List<OpFile> toldSkipped = new CopyOnWriteArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobSkipped(JobProgress progress) {
                toldSkipped.add(progress.file());
            }
        };

        GenerationResult r = sharing(compiler).failFast(true).listener(listener).build().generate(service);

        // The shared call failed; its jobs are compiled alone in its order until one fails, the rest skipped.
        List<String> order = compiler.requests.get(0).file().ops().stream().map(op -> service.files().stream()
                .filter(f -> f.ops().get(0).equals(op)).findFirst().orElseThrow().name()).toList();
        int failing = order.indexOf(order.stream().filter(n -> n.startsWith("ivf_cid_filter3")).findFirst().orElseThrow());
        assertThat(compiler.files().subList(1, compiler.files().size())).containsExactlyElementsOf(order.subList(0, failing + 1));
        assertThat(r.failures()).singleElement().satisfies(f -> assertThat(f.file().name()).isEqualTo(order.get(failing)));
        assertThat(r.skipped()).extracting(OpFile::name).containsExactlyInAnyOrderElementsOf(order.subList(failing + 1, 27));
        assertThat(toldSkipped).as("each skipped job is told").containsExactlyInAnyOrderElementsOf(r.skipped());
        assertThat(r.models()).hasSize(failing);
    }
    @Test
    void aJobWhoseStagingDirectoryCannotBeCreatedFailsAsAPublishFailureAndTheOthersCompile() {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);
        OpFile first = plan.files().get(0);
        OpFile blocked = plan.files().get(1);
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o);
        // While the first job compiles, something takes the name of the next job's staging directory.
        OpCompiler planting = new OpCompiler() {
            @Override
            public String name() {
                return "planting";
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                if (request.file().equals(first)) {
                    try {
                        Files.createDirectory(request.workDirectory().resolveSibling(blocked.name()));
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                }
                return compiler.compile(request);
            }
        };

        GenerationResult r = ModelGenerator.builder().compiler(planting).outputRoot(root).parallelism(1).batching(false)
                .scheduling(Scheduling.PLAN_ORDER).build().generate(plan);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(blocked);
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
            assertThat(f.detail()).startsWith("could not place the models: ").contains(blocked.name());
        });
        assertThat(compiler.files()).doesNotContain(blocked.name()).hasSize(plan.files().size() - 1);
        assertThat(r.models()).hasSize(r.modelCount() - blocked.ops().size());
    }

    @Test
    void aSharedCallWhoseModelCannotBeMovedToItsNameCompilesAgainOnlyTheMembersNotPlacedYet() throws IOException {
        Wrapped compiler = new Wrapped(MockOpCompiler.create(), o -> o);
        List<String> placedFirst = new CopyOnWriteArrayList<>();
        // In the shared call, a non-empty directory takes the name the second member's model is to be moved to.
        OpCompiler blocking = new BeforeEachCall(compiler, request -> {
            if (request.file().name().startsWith("batch-of-")) {
                List<OpFile> members = request.file().ops().stream().map(op -> service.files().stream()
                        .filter(f -> f.ops().get(0).equals(op)).findFirst().orElseThrow()).toList();
                placedFirst.add(members.get(0).name());
                Files.createDirectories(request.outputDirectory().resolve(members.get(1).omFileNames().get(0)).resolve("occupied"));
            }
        });

        GenerationResult r = sharing(blocking).build().generate(service).requireSuccess();

        // The first member was placed before the failure: it is not compiled again; every other one is, alone.
        assertThat(compiler.files().get(0)).startsWith("batch-of-27-");
        assertThat(compiler.files().subList(1, compiler.files().size())).containsExactlyInAnyOrderElementsOf(
                service.files().stream().map(OpFile::name).filter(n -> !n.equals(placedFirst.get(0))).toList());
        assertThat(r.compilerRuns()).isEqualTo(27);
        assertThat(r.models()).hasSize(27);
        assertThat(omFiles(ModelSet.SERVICE)).hasSize(27);
    }

    @Test
    void aCompilerInterruptedLeavesTheInterruptSetOnTheWorkerThreadForItsOwner() throws InterruptedException {
        List<Boolean> interruptedAfter = new CopyOnWriteArrayList<>();
        List<Thread> threads = new CopyOnWriteArrayList<>();
        // The caller's executor: one thread per task, which notes whether its thread ended interrupted.
        java.util.concurrent.Executor executor = task -> {
            Thread t = new Thread(() -> {
                try {
                    task.run();
                } finally {
                    interruptedAfter.add(Thread.currentThread().isInterrupted());
                }
            });
            threads.add(t);
            t.start();
        };
        ModelPlan aicpu = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);

        GenerationResult r = ModelGenerator.builder().compiler(INTERRUPTED).outputRoot(root).parallelism(1)
                .executor(executor).build().generate(aicpu);
        // The run completes its result from inside the task: the task's own end comes after generate() returns.
        for (Thread t : threads) {
            t.join();
        }

        assertThat(r.failures()).hasSize(aicpu.files().size())
                .allSatisfy(f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
        assertThat(interruptedAfter).containsExactly(true);
    }
}
