package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;
import io.ivfsp.store.Verification;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;


/**
 * One call of generate. Its unit of work is a {@link Job}: one distinct model content in one output
 * directory, serving every JSON file of the plans that has that content. Jobs run on
 * {@code parallelism} workers, longest expected first; with batching, small jobs of one set may share
 * one compiler run. This class starts the run and ends it; the parts do the work:
 * {@link RunPlanner} (jobs and calls), {@link WorkQueue} (start order, deferral), {@link TaskRunner}
 * (locks, reuse, registry), {@link JobCompiler} (compile and place), {@link RunLedger} (outcomes,
 * listener, result) and {@link RunTrace}.
 */
final class GenerationRun {
    private static final long SHUTDOWN_REPORT_SECONDS = 4;

    private final GenerationSettings settings;
    private final List<ModelPlan> plans;
    private final ModelStore store;
    private final Map<OpFile, Path> jsonFiles;
    private final String socVersion;
    private final Cancellation cancellation = new Cancellation();
    private final long start = System.nanoTime();
    private final RunTrace trace;
    /** The shared registry (or none): consulted before a job compiles, told after. */
    private final RemoteModels remote;
    private final RunPlanner planner;

    GenerationRun(GenerationSettings settings, List<ModelPlan> plans, ModelStore store, Map<OpFile, Path> jsonFiles) {
        this.settings = settings;
        this.plans = List.copyOf(plans);
        this.store = store;
        this.jsonFiles = jsonFiles;
        this.socVersion = plans.get(0).config().socVersion();
        this.trace = new RunTrace(settings.trace(), start);
        try {
            this.remote = settings.remote().isPresent()
                    ? RemoteModels.whenNeeded(settings.remote().get(), settings.compiler(), socVersion)
                    : RemoteModels.none();
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        this.planner = new RunPlanner(settings, this.plans, store, socVersion);
    }

    /**
     * Starts the run. Whatever fails before its workers start (the compiler's identity, a manifest, the
     * plan) ends it: its store is closed (its staging directory removed, its lock released), and no
     * shutdown hook or pool is left behind.
     */
    GenerationFuture start() {
        Started started = new Started();
        try {
            return start(started);
        } catch (RuntimeException | Error e) {
            if (started.workersStarted) {
                throw e;  // a running worker still uses the store
            }
            if (started.hook != null) {
                try {
                    Runtime.getRuntime().removeShutdownHook(started.hook);
                } catch (IllegalStateException shuttingDown) {
                    // The hook is running or about to: nothing to remove.
                }
            }
            if (started.pool != null) {
                started.pool.shutdown();
            }
            started.ended.complete(null);
            store.close();
            remote.close();
            throw e;
        }
    }

    /** What {@link #start(Started)} set up before its workers start: undone if it fails. */
    private static final class Started {
        final CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread hook;
        ForkJoinPool pool;
        boolean workersStarted;
    }

    private GenerationFuture start(Started started) {
        List<Job> jobs = planner.jobList();
        RunLedger ledger = new RunLedger(settings, plans, jsonFiles, jobs, cancellation, start);
        List<Job> left = reuseTrusted(jobs, ledger);
        if (left.isEmpty()) {
            return warm(ledger);
        }
        // A normal JVM shutdown (SIGTERM, Ctrl-C, System.exit) stops the running compiler processes too,
        // and waits a little for the jobs to end so that each interrupted one is reported.
        CompletableFuture<Void> ended = started.ended;
        Thread shutdownHook = new Thread(() -> {
            cancellation.cancel();
            try {
                ended.get(SHUTDOWN_REPORT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException | ExecutionException | TimeoutException e) {
                RunLog.log.warn("the generation had not ended {} s after shutdown began", SHUTDOWN_REPORT_SECONDS);
            }
        }, "ivfsp-generation-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        started.hook = shutdownHook;
        ForkJoinPool ownPool = settings.executor().isEmpty() ? new ForkJoinPool(settings.parallelism()) : null;
        started.pool = ownPool;
        Executor exec = settings.executor().orElse(ownPool);
        GenerationFuture future = new GenerationFuture(cancellation);

        Batching.Plan<Job> plan = planner.plan(remote, left);
        List<Batching.Task<Job>> order = new ArrayList<>(plan.tasks());
        if (settings.scheduling() == Scheduling.PLAN_ORDER) {
            order.sort(Comparator.comparingInt((Batching.Task<Job> t) -> jobs.indexOf(t.jobs().get(0))));
        }
        WorkQueue queue = new WorkQueue(settings.scheduling(), planner.costs(), trace, order);
        JobCompiler compiler = new JobCompiler(settings, store, remote, socVersion, cancellation, planner, queue, ledger,
                trace);
        TaskRunner runner = new TaskRunner(settings, store, remote, cancellation, queue, compiler, ledger, trace);
        int workerCount = Math.min(settings.parallelism(), Math.max(1, order.size()));
        trace.header(settings, workerCount, planner.costs(), jobs.size(), plan);
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            int laneNumber = w + 1;
            workers.add(CompletableFuture.runAsync(() -> queue.work(laneNumber, runner), exec));
            started.workersStarted = true;
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing to remove.
            }
            store.close();
            remote.close();
            trace.write();
            if (ownPool != null) {
                ownPool.shutdown();
            }
            try {
                if (error != null) {
                    future.completeExceptionally(error);
                } else {
                    future.complete(ledger.result(store.root()));
                }
            } finally {
                ended.complete(null);
            }
        });
        return future;
    }

    /**
     * The warm path: at stat verification, the jobs whose models the manifests' stats vouch for are
     * reused at once, in the calling thread, without their locks (nothing is read or written, so there
     * is nothing to wait for); the jobs left are those to run on workers.
     */
    private List<Job> reuseTrusted(List<Job> jobs, RunLedger ledger) {
        if (!settings.incremental() || settings.verification() != Verification.STAT || settings.trace().isPresent()) {
            return jobs;
        }
        List<Job> left = new ArrayList<>();
        for (Job job : jobs) {
            // The manifest planning read (each read checks the file's stat: not twice per job)
            Manifest manifest = planner.manifest(job.file);
            Optional<List<StoredModel>> models = store.trusted(manifest, job.file, job.key);
            if (models.isPresent()) {
                TaskRunner.reused(store, trace, ledger, job, models.get(), manifest);
            } else {
                left.add(job);
            }
        }
        return left;
    }

    /** Every job reused: the result, without a worker, pool, shutdown hook or batching plan. */
    private GenerationFuture warm(RunLedger ledger) {
        GenerationFuture future = new GenerationFuture(cancellation);
        try {
            store.close();
            remote.close();
            future.complete(ledger.result(store.root()));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /**
     * Waits for a run, as the blocking {@code generate} calls do: an interrupt cancels it, a failure is
     * thrown as it was raised.
     *
     * @throws CancellationException if the calling thread is interrupted (the run is then cancelled)
     */
    static GenerationResult await(GenerationFuture future) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("interrupted; the generation was cancelled");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(cause);
        }
    }
}
