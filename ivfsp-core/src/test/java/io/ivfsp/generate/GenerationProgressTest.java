package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the listener is told as a run goes (with the in-process mock and one worker, so the counts are
 * exact), and how the result reports a job that serves the files of several configurations.
 */
class GenerationProgressTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    /** Every call, as "event file succeeded/failed/skipped/running". */
    private static final class Log implements GenerationListener {
        final List<String> events = new CopyOnWriteArrayList<>();
        final List<JobProgress> progress = new CopyOnWriteArrayList<>();
        final List<List<ModelHandle>> handles = new CopyOnWriteArrayList<>();

        private void add(String what, JobProgress p) {
            progress.add(p);
            events.add(what + " " + p.file().name() + " " + p.succeeded() + "/" + p.failed() + "/" + p.skipped() + "/"
                    + p.running() + " of " + p.total());
        }

        @Override
        public void jobStarted(JobProgress p) {
            add("started", p);
        }

        @Override
        public void jobSucceeded(JobProgress p, List<ModelHandle> models) {
            handles.add(models);
            add("succeeded", p);
        }

        @Override
        public void jobFailed(JobProgress p, CompileFailure failure) {
            add("failed", p);
        }

        @Override
        public void jobSkipped(JobProgress p) {
            add("skipped", p);
        }
    }

    private ModelGeneratorBuilder serial(MockOpCompiler mock, GenerationListener listener) {
        return ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(1).batching(false)
                .scheduling(Scheduling.PLAN_ORDER).listener(listener);
    }

    @Test
    void eachJobIsToldStartedThenEndedWithTheCountsSoFar() {
        List<OpFile> files = plan.files();
        OpFile second = files.get(1);
        Log log = new Log();
        long before = System.nanoTime();

        serial(MockOpCompiler.builder().fail(second.fileName(), "E10027").build(), log).build().generate(plan);

        Duration wall = Duration.ofNanos(System.nanoTime() - before);
        int n = files.size();
        List<String> expected = new ArrayList<>();
        int ok = 0;
        for (int i = 0; i < n; i++) {
            String name = files.get(i).name();
            expected.add("started " + name + " " + ok + "/" + (i > 1 ? 1 : 0) + "/0/1 of " + n);
            if (i == 1) {
                expected.add("failed " + name + " " + ok + "/1/0/0 of " + n);
            } else {
                ok++;
                expected.add("succeeded " + name + " " + ok + "/" + (i > 1 ? 1 : 0) + "/0/0 of " + n);
            }
        }
        assertThat(log.events).containsExactlyElementsOf(expected);
        assertThat(log.progress).allSatisfy(p -> {
            assertThat(p.elapsed()).isBetween(Duration.ZERO, wall);
            assertThat(p.jobElapsed()).isBetween(Duration.ZERO, p.elapsed());
        });
        assertThat(log.progress.get(0).jobElapsed()).as("a job that starts has run for no time").isZero();
        assertThat(log.handles).allSatisfy(h -> assertThat(h).isNotEmpty().noneMatch(ModelHandle::reused));
    }

    @Test
    void failFastTellsEachJobNotStartedAsSkipped() {
        List<OpFile> files = plan.files();
        Log log = new Log();

        serial(MockOpCompiler.builder().fail(files.get(0).fileName(), "E10027").build(), log).failFast(true).build()
                .generate(plan);

        int n = files.size();
        List<String> expected = new ArrayList<>(List.of("started " + files.get(0).name() + " 0/0/0/1 of " + n,
                "failed " + files.get(0).name() + " 0/1/0/0 of " + n));
        for (int i = 1; i < n; i++) {
            expected.add("skipped " + files.get(i).name() + " 0/1/" + i + "/0 of " + n);
        }
        assertThat(log.events).containsExactlyElementsOf(expected);
        assertThat(log.progress).allSatisfy(p -> assertThat(p.completed()).isEqualTo(p.succeeded() + p.failed() + p.skipped()));
    }

    @Test
    void reusedJobsAreToldAsSucceededWithReusedHandlesOnTheWarmPath() {
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(plan).requireSuccess();
        Log log = new Log();

        GenerationResult r = serial(MockOpCompiler.create(), log).build().generate(plan).requireSuccess();

        int n = plan.files().size();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            expected.add("succeeded " + plan.files().get(i).name() + " " + (i + 1) + "/0/0/0 of " + n);
        }
        assertThat(log.events).containsExactlyElementsOf(expected);
        assertThat(log.progress).allSatisfy(p -> assertThat(p.jobElapsed()).isZero());
        assertThat(log.handles).allSatisfy(h -> assertThat(h).isNotEmpty().allMatch(ModelHandle::reused));
        assertThat(r.reusedModels()).isEqualTo(r.modelCount());
    }

    @Test
    void aListenerThatThrowsOnReusedJobsDoesNotStopTheWarmRun() {
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(plan).requireSuccess();
        List<OpFile> told = new CopyOnWriteArrayList<>();
        GenerationListener broken = new GenerationListener() {
            @Override
            public void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
                told.add(progress.file());
                throw new IllegalStateException("listener bug");
            }
        };

        GenerationResult r = serial(MockOpCompiler.create(), broken).build().generate(plan);

        assertThat(r.isSuccess()).isTrue();
        assertThat(told).containsExactlyElementsOf(plan.files());
    }

    @Test
    void aFailedJobIsReportedForEveryFileItServes() {
        // Two indexes that differ in nlist share their FpToFp16 and IvfCidFilter3 jobs (18 of 27 each).
        ModelPlan a = OpCatalog.plan(IvfspConfig.builder().nlist(1024).processId(0).build(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);
        MockOpCompiler mock = MockOpCompiler.builder().fail("IvfCidFilter3", "E10027").build();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(1).batching(false)
                .build().generate(List.of(a, b));

        assertThat(r.failures()).hasSize(2).extracting(f -> f.file().name()).allMatch(n -> n.startsWith("ivf_cid_filter3"))
                .doesNotHaveDuplicates();
        assertThat(r.failures()).extracting(CompileFailure::file).containsExactly(
                a.files().stream().filter(f -> f.opTypes().contains("IvfCidFilter3")).findFirst().orElseThrow(),
                b.files().stream().filter(f -> f.opTypes().contains("IvfCidFilter3")).findFirst().orElseThrow());
        assertThat(r.models()).hasSize(2 * 27 - 2);
        assertThat(r.compilerRuns()).isEqualTo(27 + 9);
    }
    @Test
    void theJobsOfAFailedSharedCallCountAsRunningUntilEachEndsAlone() {
        ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        Log log = new Log();
        MockOpCompiler mock = MockOpCompiler.builder().fail("IvfCidFilter3", "E10027").build();

        ModelGenerator.builder().compiler(mock).outputRoot(root).parallelism(1).batching(BatchingMode.ALWAYS)
                .listener(log).build().generate(service);

        // The shared call starts its 27 jobs together; it fails, and each is compiled again alone: a job
        // waiting for its turn still counts as running, a job compiled again is not counted twice.
        List<Integer> running = log.events.stream().filter(e -> e.startsWith("started"))
                .map(e -> Integer.parseInt(e.replaceAll(".*/(\\d+) of 27$", "$1"))).toList();
        List<Integer> expected = new ArrayList<>();
        for (int i = 1; i <= 27; i++) {
            expected.add(i);
        }
        for (int i = 27; i >= 1; i--) {
            expected.add(i);
        }
        assertThat(running).containsExactlyElementsOf(expected);
        assertThat(log.events).filteredOn(e -> !e.startsWith("started")).hasSize(27).last().asString()
                .endsWith("/0 of 27");
    }
}
