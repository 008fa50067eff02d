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
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
}
