package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;


/**
 * Runs one compiler call of a run: locks its jobs, reuses what the output root or the shared registry
 * already has, puts off what another generator is compiling, and compiles the rest, together when
 * more than one is left.
 */
final class TaskRunner implements WorkQueue.Runner {

    private final GenerationSettings settings;
    private final ModelStore store;
    private final RemoteModels remote;
    private final Cancellation cancellation;
    private final WorkQueue queue;
    private final JobCompiler compiler;
    private final RunLedger ledger;
    private final RunTrace trace;

    TaskRunner(GenerationSettings settings, ModelStore store, RemoteModels remote, Cancellation cancellation,
               WorkQueue queue, JobCompiler compiler, RunLedger ledger, RunTrace trace) {
        this.settings = settings;
        this.store = store;
        this.remote = remote;
        this.cancellation = cancellation;
        this.queue = queue;
        this.compiler = compiler;
        this.ledger = ledger;
        this.trace = trace;
    }

    /**
     * Runs a call: reuses what can be reused, then compiles the rest, together when it is a batch. A job
     * whose lock another generator (thread or process) holds is put off unless {@code wait}: that
     * generator is compiling the same content, which this one will then reuse.
     *
     * @return false if nothing was done because every job of the call is locked elsewhere (it is put off again)
     */
    @Override
    public boolean run(Batching.Task<Job> task, boolean wait) {
        List<AutoCloseable> locks = new ArrayList<>();
        List<Job> busy = new ArrayList<>();
        try {
            List<Job> toCompile = new ArrayList<>();
            // Locks in key order, so that generators locking several jobs cannot deadlock.
            List<Job> ordered = new ArrayList<>(task.jobs());
            ordered.sort(Comparator.comparing((Job j) -> j.key));
            for (Job job : ordered) {
                if (ledger.shouldSkip()) {
                    ledger.skip(job);
                    continue;
                }
                Optional<ModelStore.JobLock> lock;
                try {
                    // Asked to stop waiting at once, the store tries the lock once.
                    lock = store.lockJob(job.file.outputDirectory(), job.key, wait ? ledger::shouldSkip : () -> true);
                } catch (IOException e) {
                    ledger.fail(job, JobCompiler.failure(job.file, CompileFailure.Kind.PUBLISH,
                            "cannot lock the job: " + e.getMessage(), System.nanoTime()), Duration.ZERO);
                    continue;
                }
                if (lock.isEmpty()) {
                    if (ledger.shouldSkip()) {
                        ledger.skip(job);
                    } else {
                        busy.add(job);
                    }
                    continue;
                }
                locks.add(lock.get());
                if (!reuse(job) && consultRegistry(job, wait, locks, busy)) {
                    toCompile.add(job);
                }
            }
            if (!busy.isEmpty()) {
                queue.putOff(busy);
            }
            if (toCompile.size() > 1) {
                compiler.compileBatch(toCompile);
            } else if (toCompile.size() == 1) {
                compiler.compileJob(toCompile.get(0));
            }
        } finally {
            // Leases before the local locks they were taken under.
            for (int i = locks.size() - 1; i >= 0; i--) {
                try {
                    locks.get(i).close();
                } catch (Exception e) {
                    RunLog.log.warn("could not release {}: {}", locks.get(i), e.toString());
                }
            }
        }
        return busy.size() < task.jobs().size();
    }

    /**
     * Asks the registry about a job: fetched (done), another node compiling it (put off with
     * {@code busy}, or waited for when {@code wait}), or to compile here (true; its lease, if any,
     * joins {@code locks}).
     */
    private boolean consultRegistry(Job job, boolean wait, List<AutoCloseable> locks, List<Job> busy) {
        RemoteModels.Claim claim;
        try {
            claim = remote.claim(job.file, job.members, job.key, store, settings.incremental(), wait, ledger::shouldSkip);
        } catch (RemoteRegistryException e) {
            registryFailed(job, e);
            return false;
        }
        if (claim instanceof RemoteModels.Fetched fetched) {
            ledger.reused(job, fetched.models());
            return false;
        }
        if (claim instanceof RemoteModels.Busy) {
            if (!wait && !ledger.shouldSkip()) {
                busy.add(job);
            } else {
                ledger.skip(job);
            }
            return false;
        }
        ((RemoteModels.Compile) claim).lease().ifPresent(locks::add);
        return true;
    }

    /** A required registry failed: the job fails and the run stops. */
    private void registryFailed(Job job, RemoteRegistryException e) {
        ledger.fail(job, JobCompiler.failure(job.file, CompileFailure.Kind.PUBLISH, e.getMessage(), System.nanoTime()),
                Duration.ZERO);
        cancellation.cancel();
    }

    private boolean reuse(Job job) {
        if (!settings.incremental()) {
            return false;
        }
        Optional<List<StoredModel>> models = store.reusable(job.file, job.key, settings.verification());
        if (models.isEmpty()) {
            return false;
        }
        reused(store, trace, ledger, job, models.get(), store.manifest(job.file.set()));
        return true;
    }

    /**
     * Records a job's models as reused: in the manifest for the job's files not recorded yet in {@code manifest}
     * (that of their directory, one for all the files of a job), the trace, the ledger.
     */
    static void reused(ModelStore store, RunTrace trace, RunLedger ledger, Job job, List<StoredModel> models,
                       Manifest manifest) {
        // Plain loops, no lambdas or streams: this runs on the warm path of a fresh JVM.
        List<OpFile> unrecorded = new ArrayList<>();
        for (OpFile m : job.members) {
            Optional<Manifest.Entry> e = manifest.entry(m.fileName());
            if (e.isEmpty() || !e.get().key().equals(job.key)) {
                unrecorded.add(m);
            }
        }
        if (!unrecorded.isEmpty()) {
            try {
                // The same content compiled for another file (another -p, another process): record it for these too.
                store.record(unrecorded, job.key, models, Duration.ZERO);
            } catch (IOException e) {
                RunLog.log.warn("could not record reused models for {}: {}", unrecorded, e.toString());
            }
        }
        List<String> names = new ArrayList<>(models.size());
        for (StoredModel m : models) {
            names.add(m.path().getFileName().toString());
        }
        trace.reused(job, names);
        ledger.reused(job, models);
    }
}
