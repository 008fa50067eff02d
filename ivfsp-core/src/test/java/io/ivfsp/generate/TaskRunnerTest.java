package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.store.ModelStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One compiler call of a run, while another generator (here another store on the same root) holds some of
 * its jobs' locks: what the call tells its worker, which then pauses before a retry only if nothing was done.
 */
class TaskRunnerTest {

    @TempDir
    Path root;

    private final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);
    private final MockOpCompiler mock = MockOpCompiler.create();
    private ModelStore store;
    private ModelStore otherGenerator;
    private List<Job> jobs;
    private TaskRunner runner;

    @BeforeEach
    void setUp() {
        GenerationSettings settings = ModelGenerator.builder().compiler(mock).outputRoot(root).settings();
        String soc = plan.config().socVersion();
        store = ModelStore.open(root);
        otherGenerator = ModelStore.open(root);
        Cancellation cancellation = new Cancellation();
        RunTrace trace = new RunTrace(Optional.empty(), System.nanoTime());
        RunPlanner planner = new RunPlanner(settings, List.of(plan), store, soc);
        jobs = planner.jobList();
        RunLedger ledger = new RunLedger(settings, List.of(plan), Map.of(), jobs, cancellation, System.nanoTime());
        WorkQueue queue = new WorkQueue(Scheduling.PLAN_ORDER, CostModel.STATIC, trace, List.of());
        JobCompiler compiler = new JobCompiler(settings, store, RemoteModels.none(), soc, cancellation, planner, queue,
                ledger, trace);
        runner = new TaskRunner(settings, store, RemoteModels.none(), cancellation, queue, compiler, ledger, trace);
    }

    @AfterEach
    void tearDown() {
        store.close();
        otherGenerator.close();
    }

    private ModelStore.JobLock lockElsewhere(Job job) throws Exception {
        return otherGenerator.lockJob(job.file.outputDirectory(), job.key, () -> true).orElseThrow();
    }

    @Test
    void aCallWhoseEveryJobIsLockedElsewhereReportsThatNothingWasDone() throws Exception {
        Job a = jobs.get(0);
        try (ModelStore.JobLock held = lockElsewhere(a)) {
            assertThat(runner.run(new Batching.Task<>(List.of(a), a.estimate), false)).isFalse();
        }
        assertThat(mock.compiled()).isEmpty();
    }

    @Test
    void aCallWithOneJobFreeReportsWorkDoneAndCompilesThatJob() throws Exception {
        Job a = jobs.get(0);
        Job b = jobs.get(1);
        try (ModelStore.JobLock held = lockElsewhere(a)) {
            assertThat(runner.run(new Batching.Task<>(List.of(a, b), a.estimate + b.estimate), false)).isTrue();
        }
        assertThat(mock.compiled()).containsExactly(b.file);
    }
}
