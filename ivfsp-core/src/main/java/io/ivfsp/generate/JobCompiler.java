package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.ops.AtcNaming;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.SharedCall;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;


/**
 * Compiles the jobs of one call, alone or several single-op jobs in one compiler run, checks every
 * expected model, and places the models into the output root, its manifest and the shared registry.
 * The caller holds the jobs' locks.
 */
final class JobCompiler {

    private final GenerationSettings settings;
    private final OpCompiler compiler;
    private final ModelStore store;
    private final RemoteModels remote;
    private final String socVersion;
    private final Cancellation cancellation;
    private final RunPlanner planner;
    private final WorkQueue queue;
    private final RunLedger ledger;
    private final RunTrace trace;

    JobCompiler(GenerationSettings settings, ModelStore store, RemoteModels remote, String socVersion,
                Cancellation cancellation, RunPlanner planner, WorkQueue queue, RunLedger ledger, RunTrace trace) {
        this.settings = settings;
        this.compiler = settings.compiler();
        this.store = store;
        this.remote = remote;
        this.socVersion = socVersion;
        this.cancellation = cancellation;
        this.planner = planner;
        this.queue = queue;
        this.ledger = ledger;
        this.trace = trace;
    }

    void compileJob(Job job) {
        if (ledger.shouldSkip()) {
            ledger.skip(job);
            return;
        }
        ledger.started(job);
        long jobStart = System.nanoTime();
        Outcome o = compile(job.file, List.of(job));
        ledger.finished(job, o, jobStart);
    }

    /**
     * Compiles several single-op jobs of one set in one compiler run, then places each member's model
     * under the name it has alone. A member whose model is missing, or every member when the run
     * failed, is compiled alone: ATC reports only the last op's status.
     */
    void compileBatch(List<Job> batch) {
        if (ledger.shouldSkip()) {
            batch.forEach(ledger::skip);
            return;
        }
        batch.forEach(ledger::started);
        long batchStart = System.nanoTime();
        List<OpDesc> ops = batch.stream().map(j -> j.file.ops().get(0)).toList();
        OpFile packed = new OpFile("batch-of-" + batch.size() + "-" + batch.get(0).file.name(), batch.get(0).file.set(), ops);
        List<Job> retry = new ArrayList<>();
        try (ModelStore.Staging staging = store.stage(packed)) {
            CompileOutcome outcome = runCompiler(packed, staging, batch);
            Optional<SharedCall> call = outcome instanceof CompileOutcome.Compiled c
                    ? sharedCall(batch, c.elapsed()) : Optional.empty();
            for (int i = 0; i < batch.size(); i++) {
                Job job = batch.get(i);
                if (!(outcome instanceof CompileOutcome.Compiled)) {
                    if (outcome instanceof CompileFailure f && f.kind() == CompileFailure.Kind.CANCELLED) {
                        ledger.finished(job, Outcome.failed(f.withFile(job.file)), batchStart);
                    } else {
                        retry.add(job);
                    }
                    continue;
                }
                Path produced = staging.out().resolve(AtcNaming.omFileName(i, ops.get(i)));
                Path alone = staging.out().resolve(job.file.omFileNames().get(0));
                if (!produced.equals(alone) && Files.isRegularFile(produced)) {
                    Files.move(produced, alone, StandardCopyOption.ATOMIC_MOVE);
                }
                if (!store.missingModels(job.file, staging).isEmpty()) {
                    retry.add(job);
                    continue;
                }
                // A member's time alone is not measured: one call's time cannot be split into the start-up and
                // each member's work without knowing the start-up, the very thing later runs learn from what the
                // manifests record. Splitting by the model in use fed its own guess back as a measurement (a
                // first run's 3 s start-up, where ATC took 0.5 s, was learned again, and batching then cost 7 %).
                // Recorded as 0, "not measured", with the call as a whole, which later runs fit as one sample.
                ledger.finished(job, place(job, staging, Duration.ZERO, call, System.nanoTime()), batchStart);
            }
        } catch (IOException | RuntimeException e) {
            for (Job job : batch) {
                if (!ledger.ended(job) && !retry.contains(job)) {
                    retry.add(job);
                }
            }
        }
        for (Job job : retry) {
            RunLog.log.info("compiling {} alone after its batch did not produce it", job.file.fileName());
            ledger.restarting();
            compileJob(job);
        }
    }

    /** Runs the compiler once for the jobs of one call; traces the call and learns from its time. */
    private CompileOutcome runCompiler(OpFile file, ModelStore.Staging staging, List<Job> forJobs) {
        ledger.compilerRun();
        // The time limit is per job: a call compiling several jobs has theirs together.
        CompileRequest request = new CompileRequest(file, staging.json(), staging.out(), staging.work(), socVersion,
                settings.jobTimeout().map(t -> t.multipliedBy(Math.max(1, forJobs.size()))), cancellation,
                settings.compileWorkers());
        long t = System.nanoTime();
        CompileOutcome outcome;
        try {
            outcome = compiler.compile(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = failure(file, CompileFailure.Kind.CANCELLED, "interrupted", t);
        } catch (RuntimeException e) {
            outcome = failure(file, CompileFailure.Kind.BACKEND, "compiler " + compiler.name() + " threw " + e, t);
        }
        long end = System.nanoTime();
        if (outcome instanceof CompileOutcome.Compiled c) {
            queue.learn(file.ops().size(), CostModel.millionElements(file), c.elapsed());
        }
        trace.call(t, end, forJobs.stream().map(j -> j.file.fileName()).toList(),
                file.ops().stream().map(OpDesc::opType).toList(), planner.predicted(forJobs),
                outcome instanceof CompileFailure f ? f.kind() + (f.errorCode().map(code -> " " + code).orElse(""))
                        : "ok");
        return outcome;
    }

    /** Compiles one file (a job's representative), checks every expected model and places them. */
    private Outcome compile(OpFile file, List<Job> forJobs) {
        long jobStart = System.nanoTime();
        try (ModelStore.Staging staging = store.stage(file)) {
            CompileOutcome outcome = runCompiler(file, staging, forJobs);
            if (outcome instanceof CompileFailure f) {
                return Outcome.failed(f);
            }
            CompileOutcome.Compiled compiled = (CompileOutcome.Compiled) outcome;
            List<String> missing = store.missingModels(file, staging);
            if (!missing.isEmpty()) {
                // ATC reports only the last op's status: an earlier op can fail while it exits 0.
                return Outcome.failed(new CompileFailure(file, CompileFailure.Kind.MISSING_MODEL,
                        "reported success but did not produce " + missing.size() + " of "
                                + file.ops().size() + " models (missing or empty): " + String.join(", ", missing),
                        compiled.command(), compiled.command().isEmpty() ? OptionalInt.empty() : OptionalInt.of(0),
                        CompileFailure.findErrorCode(compiled.outputTail()), compiled.outputTail(), compiled.elapsed()));
            }
            return place(forJobs.get(0), staging, compiled.elapsed(), jobStart);
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(failure(file, CompileFailure.Kind.PUBLISH, "could not place the models: " + e.getMessage(),
                    jobStart));
        }
    }

    /** A shared call as the manifests keep it: its ops, elements and time as a whole; empty outside their ranges. */
    private static Optional<SharedCall> sharedCall(List<Job> batch, Duration elapsed) {
        double seconds = elapsed.toNanos() / 1e9;
        double elements = 0;
        for (Job j : batch) {
            elements += j.millionElements;
        }
        return SharedCall.within(batch.size(), elements, seconds);
    }

    /** Moves a job's models into place and records them for every file the job serves. */
    private Outcome place(Job job, ModelStore.Staging staging, Duration compileTime, long jobStart) {
        return place(job, staging, compileTime, Optional.empty(), jobStart);
    }

    private Outcome place(Job job, ModelStore.Staging staging, Duration compileTime,
                          Optional<SharedCall> sharedCall, long jobStart) {
        try {
            List<StoredModel> stored = store.publish(job.file, staging);
            store.record(job.members, job.key, stored, compileTime, sharedCall);
            try {
                remote.publish(job.file, stored, compileTime);
            } catch (RemoteRegistryException e) {
                cancellation.cancel();
                return Outcome.failed(failure(job.file, CompileFailure.Kind.PUBLISH, e.getMessage(), jobStart));
            }
            return Outcome.done(stored, false);
        } catch (IOException | RuntimeException e) {
            return Outcome.failed(failure(job.file, CompileFailure.Kind.PUBLISH,
                    "could not place the models: " + e.getMessage(), jobStart));
        }
    }

    /** A failure that ran no compiler (or whose compiler threw): no command, no exit status, no output. */
    static CompileFailure failure(OpFile file, CompileFailure.Kind kind, String detail, long since) {
        return new CompileFailure(file, kind, detail, List.of(), OptionalInt.empty(), Optional.empty(), "",
                Duration.ofNanos(System.nanoTime() - since));
    }
}
