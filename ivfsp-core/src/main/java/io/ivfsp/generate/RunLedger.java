package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.StoredModel;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;


/**
 * What a run has done so far: each job's outcome and the counts, told to the listener as it happens
 * and assembled into the {@link GenerationResult} at the end. Also says whether a job may still
 * start (not cancelled, and no failure when failing fast). Safe for the run's workers to share.
 */
final class RunLedger {

    private final GenerationSettings settings;
    private final List<ModelPlan> plans;
    private final Map<OpFile, Path> jsonFiles;
    private final List<Job> jobs;
    private final Cancellation cancellation;
    private final long start;
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger compilerRuns = new AtomicInteger();
    private final Map<Job, Outcome> outcomes = new ConcurrentHashMap<>();

    RunLedger(GenerationSettings settings, List<ModelPlan> plans, Map<OpFile, Path> jsonFiles, List<Job> jobs,
              Cancellation cancellation, long start) {
        this.settings = settings;
        this.plans = plans;
        this.jsonFiles = jsonFiles;
        this.jobs = jobs;
        this.cancellation = cancellation;
        this.start = start;
    }

    /** Whether a job must not start: the run was cancelled, or failed once and fails fast. */
    boolean shouldSkip() {
        return cancellation.isCancelled() || (settings.failFast() && failedOnce.get());
    }

    /** Whether the job has an outcome already. */
    boolean ended(Job job) {
        return outcomes.containsKey(job);
    }

    /** Counts one compiler call. */
    void compilerRun() {
        compilerRuns.incrementAndGet();
    }

    void started(Job job) {
        running.incrementAndGet();
        notify(() -> listener().jobStarted(progress(job.file, Duration.ZERO)));
    }

    /** A started job that will be started again (alone, after its batch did not produce it). */
    void restarting() {
        running.decrementAndGet();
    }

    void finished(Job job, Outcome o, long jobStart) {
        running.decrementAndGet();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - jobStart);
        if (o.failure().isPresent()) {
            fail(job, o.failure().get(), elapsed);
            return;
        }
        succeeded.incrementAndGet();
        outcomes.put(job, o);
        notify(() -> listener().jobSucceeded(progress(job.file, elapsed), handles(job.file, o.models(), false)));
    }

    /** A job whose models were there already: in the output root or in the shared registry. */
    void reused(Job job, List<StoredModel> models) {
        succeeded.incrementAndGet();
        outcomes.put(job, Outcome.done(models, true));
        // Called directly, not through notify(lambda): a warm run of a fresh JVM passes here for every job.
        try {
            listener().jobSucceeded(progress(job.file, Duration.ZERO), handles(job.file, models, true));
        } catch (RuntimeException e) {
            RunLog.log.warn("generation listener failed", e);
        }
    }

    void fail(Job job, CompileFailure failure, Duration elapsed) {
        failed.incrementAndGet();
        failedOnce.set(true);
        outcomes.put(job, Outcome.failed(failure));
        RunLog.log.warn("compile job failed: {}", failure.describe());
        notify(() -> listener().jobFailed(progress(job.file, elapsed), failure));
    }

    void skip(Job job) {
        skipped.incrementAndGet();
        outcomes.put(job, Outcome.notStarted());
        notify(() -> listener().jobSkipped(progress(job.file, Duration.ZERO)));
    }

    private List<ModelHandle> handles(OpFile member, List<StoredModel> stored, boolean reused) {
        Path json = jsonFiles.get(member);
        List<ModelHandle> handles = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            StoredModel s = stored.get(i);
            handles.add(new ModelHandle(member.set(), member.ops().get(i).opType(), i, json, s.path(), s.size(),
                    s.sha256(), reused));
        }
        return handles;
    }

    /** Every JSON file of the plans with its models, its failure, or as not started. */
    GenerationResult result(Path root) {
        Map<OpFile, Job> jobOf = new HashMap<>();
        for (Job j : jobs) {
            for (OpFile m : j.members) {
                jobOf.put(m, j);
            }
        }
        List<ModelHandle> models = new ArrayList<>();
        List<CompileFailure> failures = new ArrayList<>();
        List<OpFile> notStarted = new ArrayList<>();
        // Plain loops, no streams: a warm run of a fresh JVM ends here. Each distinct file once, in plan order.
        Set<OpFile> seen = new HashSet<>();
        for (ModelPlan plan : plans) {
            for (OpFile f : plan.files()) {
                if (seen.add(f)) {
                    outcome(f, jobOf.get(f), models, failures, notStarted);
                }
            }
        }
        OpCompiler compiler = settings.compiler();
        return new GenerationResult(plans, root, compiler.name(), compiler.isSimulated(), models, failures,
                notStarted, Duration.ofNanos(System.nanoTime() - start), compilerRuns.get());
    }

    private void outcome(OpFile f, Job job, List<ModelHandle> models, List<CompileFailure> failures,
                         List<OpFile> notStarted) {
        Outcome o = outcomes.getOrDefault(job, Outcome.notStarted());
        if (o.skipped()) {
            notStarted.add(f);
        } else if (o.failure().isPresent()) {
            failures.add(o.failure().get().withFile(f));
        } else {
            models.addAll(handles(f, o.models(), o.reused()));
        }
    }

    private GenerationListener listener() {
        return settings.listener();
    }

    private JobProgress progress(OpFile file, Duration jobElapsed) {
        return new JobProgress(file, jobs.size(), succeeded.get(), failed.get(), skipped.get(), running.get(),
                Duration.ofNanos(System.nanoTime() - start), jobElapsed);
    }

    private void notify(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            RunLog.log.warn("generation listener failed", e);
        }
    }
}
