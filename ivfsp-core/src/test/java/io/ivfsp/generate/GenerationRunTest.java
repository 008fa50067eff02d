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
import io.ivfsp.compile.Cancellation;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a run starts and ends (with the in-process mock): how many workers it starts, whether a simulated compiler shares calls, and how waiting for a run reports its end.
 */
class GenerationRunTest {

    @TempDir
    Path root;

    /** Five jobs of different sizes in two directories. */
    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    /** The pool, counting the workers started on it. */
    private final AtomicInteger workers = new AtomicInteger();
    private final Executor counting = task -> {
        workers.incrementAndGet();
        pool.execute(task);
    };

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** The mock under another name, not simulated: its calls may be shared as ATC's are. */
    private static OpCompiler notSimulated(MockOpCompiler mock, List<CompileRequest> requests) {
        return new OpCompiler() {
            @Override
            public String name() {
                return "real";
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                requests.add(request);
                return mock.compile(request);
            }
        };
    }

    @Test
    void aRunStartsOneWorkerPerCallUpToTheParallelism() {
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root.resolve("a")).parallelism(8)
                .executor(counting).build().generate(plan).requireSuccess();
        assertThat(workers.get()).isEqualTo(plan.files().size());

        workers.set(0);
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root.resolve("b")).parallelism(2)
                .executor(counting).build().generate(plan).requireSuccess();
        assertThat(workers.get()).isEqualTo(2);
    }

    @Test
    void aSimulatedCompilerNeverSharesCallsUnlessForcedAndARealOneDoesWhereItPays() {
        // One worker and many small jobs: sharing saves start-ups whatever the costs, for a real compiler.
        ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        List<CompileRequest> real = new CopyOnWriteArrayList<>();
        MockOpCompiler simulated = MockOpCompiler.create();

        GenerationResult r = ModelGenerator.builder().compiler(simulated).outputRoot(root.resolve("sim")).parallelism(1)
                .build().generate(service).requireSuccess();
        GenerationResult forced = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root.resolve("forced"))
                .parallelism(1).batching(BatchingMode.ALWAYS).build().generate(service).requireSuccess();
        GenerationResult shared = ModelGenerator.builder().compiler(notSimulated(MockOpCompiler.create(), real))
                .outputRoot(root.resolve("real")).parallelism(1).build().generate(service).requireSuccess();

        assertThat(r.compilerRuns()).isEqualTo(service.files().size());
        assertThat(forced.compilerRuns()).isLessThan(service.files().size());
        assertThat(shared.compilerRuns()).isLessThan(service.files().size()).isEqualTo(real.size());
        assertThat(real).anyMatch(req -> req.file().name().startsWith("batch-of-"));
    }

    @Test
    void withGuessedCostsCallsAreSharedOnlyWhereThatPaysUnderEveryPlausibleCost() {
        // Two workers and the static guess: under that one guess sharing some small jobs looks faster, but under
        // other plausible costs it is much slower, so a first run (nothing measured yet) shares nothing.
        ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        List<CompileRequest> real = new CopyOnWriteArrayList<>();

        GenerationResult r = ModelGenerator.builder().compiler(notSimulated(MockOpCompiler.create(), real))
                .outputRoot(root).parallelism(2).build().generate(service).requireSuccess();

        assertThat(r.compilerRuns()).isEqualTo(service.files().size());
        assertThat(real).noneMatch(req -> req.file().name().startsWith("batch-of-"));
    }

    @Test
    void aSharedCallIsPredictedAsOneStartUpAndTheWorkOfEachJob() throws IOException {
        ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        Path trace = root.resolve("trace.json");

        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root.resolve("out")).parallelism(1)
                .batching(BatchingMode.ALWAYS).trace(trace).build().generate(service).requireSuccess();

        double startup = CostModel.STATIC.startup();
        double expected = startup + service.files().stream().mapToDouble(f -> CostModel.STATIC.predict(f) - startup).sum();
        java.util.Map<?, ?> json = (java.util.Map<?, ?>) io.ivfsp.json.JsonReader.read(java.nio.file.Files.readString(trace));
        assertThat((List<?>) json.get("traceEvents")).filteredOn(e -> "X".equals(((java.util.Map<?, ?>) e).get("ph")))
                .singleElement().satisfies(e -> {
                    java.util.Map<?, ?> args = (java.util.Map<?, ?>) ((java.util.Map<?, ?>) e).get("args");
                    assertThat(((Number) args.get("predicted_s")).doubleValue()).isEqualTo(TraceWriter.round(expected));
                    assertThat((List<?>) args.get("files")).hasSize(service.files().size());
                });
    }

    @Test
    void waitingThreadInterruptedCancelsTheRunAndSaysSo() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().delay("TopkIvfSp", Duration.ofMinutes(10)).build();
        CountDownLatch started = new CountDownLatch(1);
        List<CompileFailure> failures = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobStarted(JobProgress progress) {
                started.countDown();
            }

            @Override
            public void jobFailed(JobProgress progress, CompileFailure failure) {
                failures.add(failure);
                ended.countDown();
            }
        };
        ModelGenerator g = ModelGenerator.builder().compiler(mock).outputRoot(root).listener(listener).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        Thread caller = new Thread(() -> {
            try {
                g.generate(IvfspConfig.defaults(), ModelSet.AICPU);
            } catch (Throwable t) {
                thrown.set(t);
                stillInterrupted.set(Thread.currentThread().isInterrupted());
            }
        });
        caller.start();
        started.await();

        caller.interrupt();
        caller.join();

        assertThat(thrown.get()).isInstanceOf(CancellationException.class)
                .hasMessage("interrupted; the generation was cancelled");
        assertThat(stillInterrupted.get()).as("the interrupt is kept for the caller").isTrue();
        ended.await();  // the running job was stopped
        assertThat(failures).singleElement().satisfies(f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
    }

    @Test
    void aRunThatFailedIsThrownAsItWasRaised() {
        IllegalStateException runtime = new IllegalStateException("broken");
        AssertionError error = new AssertionError("worse");
        IOException checked = new IOException("checked");

        assertThatThrownBy(() -> GenerationRun.await(failed(runtime))).isSameAs(runtime);
        assertThatThrownBy(() -> GenerationRun.await(failed(error))).isSameAs(error);
        assertThatThrownBy(() -> GenerationRun.await(failed(checked))).isInstanceOf(IllegalStateException.class)
                .hasCause(checked);
    }

    private static GenerationFuture failed(Throwable t) {
        GenerationFuture f = new GenerationFuture(new Cancellation());
        f.completeExceptionally(t);
        return f;
    }

    @Test
    void cancellingTheFutureStopsTheRunningCompilerAndReportsCancelled() throws Exception {
        Cancellation cancellation = new Cancellation();
        GenerationFuture f = new GenerationFuture(cancellation);

        assertThat(f.cancel(true)).isTrue();

        assertThat(cancellation.isCancelled()).isTrue();
        assertThat(f.isCancelled()).isTrue();
        assertThatThrownBy(() -> GenerationRun.await(f)).isInstanceOf(CancellationException.class);
    }

    @Test
    void cancellingARunThatHasEndedChangesNothingAndSaysSo() throws Exception {
        GenerationFuture f = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generateAsync(plan);
        GenerationResult r = f.get();

        assertThat(f.cancel(true)).isFalse();

        assertThat(f.isCancelled()).isFalse();
        assertThat(f.get()).isSameAs(r);
        assertThat(r.isSuccess()).isTrue();
    }

    @Test
    void aRunReportsHowLongItTookNoLongerThanTheCallTook() {
        long before = System.nanoTime();
        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generate(plan);
        Duration around = Duration.ofNanos(System.nanoTime() - before);

        assertThat(r.elapsed()).isPositive().isLessThanOrEqualTo(around);
    }

    @Test
    void aRunStartedWithoutWaitingForAConfigurationAndItsSetsGeneratesThoseSets() throws Exception {
        GenerationFuture f = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build()
                .generateAsync(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

        GenerationResult r = f.get();

        assertThat(r.isSuccess()).isTrue();
        assertThat(r.files()).containsExactlyElementsOf(plan.files());
    }

    /** A file of {@code ops} ops (types named after the file) of {@code melem} million elements together. */
    private static OpFile file(String name, int ops, double melem) {
        List<OpDesc> list = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            list.add(new OpDesc(name + "Op" + i, List.of(TensorDesc.of(DataType.FLOAT16, Math.round(melem * 1e6 / ops) - 1)),
                    List.of(TensorDesc.of(DataType.FLOAT16, 1))));
        }
        return new OpFile(name, ModelSet.AICPU, list);
    }

    @Test
    void whatIsLeftOfARunStartsLongestFirstByTheCompileTimesTheRunMeasured() {
        // The static guess makes many ops costly; the compiler takes a second per million elements, ops free.
        List<OpFile> warmUps = List.of(file("warm1", 20, 1), file("warm2", 16, 2), file("warm3", 24, 3), file("warm4", 18, 4));
        OpFile manyOps = file("many_ops", 12, 0.5);
        OpFile manyElements = file("many_elements", 1, 20);
        List<OpFile> files = new ArrayList<>(warmUps);
        files.add(manyElements);
        files.add(manyOps);
        assertThat(CostModel.STATIC.predict(manyOps)).isGreaterThan(CostModel.STATIC.predict(manyElements));
        assertThat(warmUps).allSatisfy(f -> assertThat(CostModel.STATIC.predict(f)).isGreaterThan(CostModel.STATIC.predict(manyOps)));
        MockOpCompiler mock = MockOpCompiler.create();
        List<String> order = new CopyOnWriteArrayList<>();
        OpCompiler timed = new OpCompiler() {
            @Override
            public String name() {
                return mock.name();
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                order.add(request.file().name());
                CompileOutcome o = mock.compile(request);
                Duration took = Duration.ofMillis(100 + Math.round(1000 * CostModel.millionElements(request.file())));
                return o instanceof CompileOutcome.Compiled c
                        ? new CompileOutcome.Compiled(c.file(), c.command(), c.outputTail(), took) : o;
            }
        };

        ModelGenerator.builder().compiler(timed).outputRoot(root).parallelism(1).scheduling(Scheduling.LONGEST_FIRST)
                .build().generate(new ModelPlan(IvfspConfig.defaults(), Set.of(ModelSet.AICPU), files)).requireSuccess();

        assertThat(order.subList(0, warmUps.size())).containsExactlyInAnyOrderElementsOf(warmUps.stream().map(OpFile::name).toList());
        assertThat(order.subList(warmUps.size(), order.size())).containsExactly("many_elements", "many_ops");
    }
}
