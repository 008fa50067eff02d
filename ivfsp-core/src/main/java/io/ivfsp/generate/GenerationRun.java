package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.ops.AtcNaming;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One call of generate. Its unit of work is a job: one distinct model content (same JSON bytes, SoC,
 * options and compiler, so the same cache key) in one output directory, serving every JSON file of
 * the plans that has that content. Jobs run on {@code parallelism} workers, longest expected first;
 * with batching, small jobs of one set may share one compiler run.
 */
final class GenerationRun {

    private static final Logger log = LoggerFactory.getLogger(GenerationRun.class);
    private static final long SHUTDOWN_REPORT_SECONDS = 4;

    private final ModelGenerator.Settings settings;
    private final OpCompiler compiler;
    private final List<ModelPlan> plans;
    private final ModelStore store;
    private final Map<OpFile, Path> jsonFiles;
    private final String socVersion;
    private final Cancellation cancellation = new Cancellation();
    private final AtomicBoolean failedOnce = new AtomicBoolean();
    private final AtomicInteger succeeded = new AtomicInteger();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicInteger skipped = new AtomicInteger();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger compilerRuns = new AtomicInteger();
    private final Map<Job, Outcome> outcomes = new ConcurrentHashMap<>();
    private final long start = System.nanoTime();
    private List<Job> jobs;
    /** The shared registry (or none): consulted before a job compiles, told after. */
    private final RemoteModels remote;
    /** Tasks whose key another node is compiling: taken up again once the others are done. */
    private final ConcurrentLinkedQueue<List<Job>> deferred = new ConcurrentLinkedQueue<>();

    /** One distinct model content in one output directory, and the JSON files it serves. */
    static final class Job {
        final OpFile file;
        final List<OpFile> members;
        final String key;
        final double estimate;

        Job(OpFile file, List<OpFile> members, String key, double estimate) {
            this.file = file;
            this.members = List.copyOf(members);
            this.key = key;
            this.estimate = estimate;
        }
    }

    /** How a job ended: its models (reused or not), or a failure, or not started. */
    private record Outcome(List<StoredModel> models, boolean reused, Optional<CompileFailure> failure, boolean skipped) {
        static Outcome done(List<StoredModel> models, boolean reused) {
            return new Outcome(models, reused, Optional.empty(), false);
        }

        static Outcome failed(CompileFailure f) {
            return new Outcome(List.of(), false, Optional.of(f), false);
        }

        static Outcome notStarted() {
            return new Outcome(List.of(), false, Optional.empty(), true);
        }
    }

    GenerationRun(ModelGenerator.Settings settings, List<ModelPlan> plans, ModelStore store, Map<OpFile, Path> jsonFiles) {
        this.settings = settings;
        this.compiler = settings.compiler();
        this.plans = List.copyOf(plans);
        this.store = store;
        this.jsonFiles = jsonFiles;
        this.socVersion = plans.get(0).config().socVersion();
        try {
            this.remote = settings.remote().map(r -> RemoteModels.whenNeeded(r, compiler, socVersion)).orElseGet(RemoteModels::none);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    ModelGenerator.GenerationFuture start() {
        jobs = jobs();
        // A normal JVM shutdown (SIGTERM, Ctrl-C, System.exit) stops the running compiler processes too,
        // and waits a little for the jobs to end so that each interrupted one is reported.
        CompletableFuture<Void> ended = new CompletableFuture<>();
        Thread shutdownHook = new Thread(() -> {
            cancellation.cancel();
            try {
                ended.get(SHUTDOWN_REPORT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException | java.util.concurrent.ExecutionException
                     | java.util.concurrent.TimeoutException e) {
                log.warn("the generation had not ended {} s after shutdown began", SHUTDOWN_REPORT_SECONDS);
            }
        }, "ivfsp-generation-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        ForkJoinPool ownPool = settings.executor() == null ? new ForkJoinPool(settings.parallelism()) : null;
        Executor exec = ownPool != null ? ownPool : settings.executor();
        ModelGenerator.GenerationFuture future = new ModelGenerator.GenerationFuture(cancellation);

        List<List<Job>> tasks = settings.batching()
                ? Batching.tasks(jobs, j -> j.estimate, JobCost.STARTUP_SECONDS, settings.parallelism(),
                        j -> j.file.ops().size() == 1, j -> j.file.set())
                : jobs.stream().map(List::of).toList();
        List<List<Job>> order = new ArrayList<>(tasks);
        if (settings.scheduling() == Scheduling.LONGEST_FIRST) {
            // Longest expected first: the long tasks start at once and the short ones fill the gaps.
            order.sort(Comparator.comparingDouble((List<Job> t) -> taskEstimate(t)).reversed());
        }
        AtomicInteger next = new AtomicInteger();
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < Math.min(settings.parallelism(), Math.max(1, order.size())); w++) {
            workers.add(CompletableFuture.runAsync(() -> {
                int k;
                while ((k = next.getAndIncrement()) < order.size()) {
                    runTask(order.get(k), true);
                }
                List<Job> later;
                while ((later = deferred.poll()) != null) {
                    runTask(later, false);
                }
            }, exec));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing to remove.
            }
            store.close();
            remote.close();
            if (ownPool != null) {
                ownPool.shutdown();
            }
            try {
                if (error != null) {
                    future.completeExceptionally(error);
                } else {
                    future.complete(result());
                }
            } finally {
                ended.complete(null);
            }
        });
        return future;
    }

    private static double taskEstimate(List<Job> task) {
        if (task.size() == 1) {
            return task.get(0).estimate;
        }
        return JobCost.STARTUP_SECONDS + task.stream().mapToDouble(j -> Math.max(0, j.estimate - JobCost.STARTUP_SECONDS)).sum();
    }

    /** The jobs: the plans' JSON files grouped by output directory and cache key. */
    private List<Job> jobs() {
        Map<String, List<OpFile>> groups = new LinkedHashMap<>();
        Map<String, String> keys = new HashMap<>();
        for (ModelPlan plan : plans) {
            for (OpFile f : plan.files()) {
                String key = CacheKey.of(f, socVersion, compiler.name(), compiler.cacheIdentity());
                String group = f.outputDirectory() + "/" + key;
                keys.put(group, key);
                List<OpFile> members = groups.computeIfAbsent(group, g -> new ArrayList<>());
                if (!members.contains(f)) {
                    members.add(f);
                }
            }
        }
        Map<String, Manifest> manifests = new HashMap<>();
        List<Job> list = new ArrayList<>();
        for (Map.Entry<String, List<OpFile>> e : groups.entrySet()) {
            OpFile first = e.getValue().get(0);
            double estimate = manifests.computeIfAbsent(first.outputDirectory(), d -> store.manifest(first.set()))
                    .entry(first.fileName()).map(Manifest.Entry::compileSeconds).filter(t -> t > 0)
                    .orElseGet(() -> JobCost.estimateSeconds(first));
            list.add(new Job(first, e.getValue(), keys.get(e.getKey()), estimate));
        }
        return list;
    }

    private boolean shouldSkip() {
        return cancellation.isCancelled() || (settings.failFast() && failedOnce.get());
    }

    /** Runs a task: reuses what can be reused, then compiles the rest, together when it is a batch. */
    private void runTask(List<Job> task, boolean mayDefer) {
        List<AutoCloseable> locks = new ArrayList<>();
        try {
            List<Job> toCompile = new ArrayList<>();
            // Locks in key order, so that generators locking several jobs cannot deadlock.
            List<Job> ordered = new ArrayList<>(task);
            ordered.sort(Comparator.comparing((Job j) -> j.key));
            for (Job job : ordered) {
                if (shouldSkip()) {
                    skip(job);
                    continue;
                }
                Optional<ModelStore.JobLock> lock;
                try {
                    // Another generator (thread or process) compiling this content holds the lock: wait, then reuse.
                    lock = store.lockJob(job.file.outputDirectory(), job.key, this::shouldSkip);
                } catch (IOException e) {
                    fail(job, failure(job.file, CompileFailure.Kind.PUBLISH, "cannot lock the job: " + e.getMessage(),
                            System.nanoTime()), Duration.ZERO);
                    continue;
                }
                if (lock.isEmpty()) {
                    skip(job);
                    continue;
                }
                locks.add(lock.get());
                if (!reuse(job) && consultRegistry(job, mayDefer, locks)) {
                    toCompile.add(job);
                }
            }
            if (toCompile.size() > 1) {
                compileBatch(toCompile);
            } else if (toCompile.size() == 1) {
                compileJob(toCompile.get(0));
            }
        } finally {
            // Leases before the local locks they were taken under.
            for (int i = locks.size() - 1; i >= 0; i--) {
                try {
                    locks.get(i).close();
                } catch (Exception e) {
                    log.warn("could not release {}: {}", locks.get(i), e.toString());
                }
            }
        }
    }

    /**
     * Asks the registry about a job: fetched (done), another node compiling it (deferred, or waited for
     * when {@code mayDefer} is false), or to compile here (true; its lease, if any, joins {@code locks}).
     */
    private boolean consultRegistry(Job job, boolean mayDefer, List<AutoCloseable> locks) {
        RemoteModels.Claim claim;
        try {
            claim = remote.claim(job.file, job.members, job.key, store, settings.incremental(), !mayDefer, this::shouldSkip);
        } catch (RemoteRegistryException e) {
            registryFailed(job, e);
            return false;
        }
        if (claim instanceof RemoteModels.Fetched fetched) {
            succeeded.incrementAndGet();
            outcomes.put(job, Outcome.done(fetched.models(), true));
            notify(() -> listener().jobSucceeded(progress(job.file, Duration.ZERO), handles(job, job.file, fetched.models(), true)));
            return false;
        }
        if (claim instanceof RemoteModels.Busy) {
            if (mayDefer && !shouldSkip()) {
                deferred.add(List.of(job));
            } else {
                skip(job);
            }
            return false;
        }
        ((RemoteModels.Compile) claim).lease().ifPresent(locks::add);
        return true;
    }

    /** A required registry failed: the job fails and the run stops. */
    private void registryFailed(Job job, RemoteRegistryException e) {
        fail(job, failure(job.file, CompileFailure.Kind.PUBLISH, e.getMessage(), System.nanoTime()), Duration.ZERO);
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
        List<OpFile> unrecorded = job.members.stream()
                .filter(m -> store.manifest(m.set()).entry(m.fileName()).map(e -> !e.key().equals(job.key)).orElse(true))
                .toList();
        if (!unrecorded.isEmpty()) {
            try {
                // The same content compiled for another file (another -p, another process): record it for these too.
                store.record(unrecorded, job.key, models.get(), Duration.ZERO);
            } catch (IOException e) {
                log.warn("could not record reused models for {}: {}", unrecorded, e.toString());
            }
        }
        succeeded.incrementAndGet();
        outcomes.put(job, Outcome.done(models.get(), true));
        notify(() -> listener().jobSucceeded(progress(job.file, Duration.ZERO), handles(job, job.file, models.get(), true)));
        return true;
    }

    private void compileJob(Job job) {
        if (shouldSkip()) {
            skip(job);
            return;
        }
        started(job);
        long jobStart = System.nanoTime();
        Outcome o = compile(job.file, job.key, List.of(job));
        finished(job, o, jobStart);
    }

    private void started(Job job) {
        running.incrementAndGet();
        notify(() -> listener().jobStarted(progress(job.file, Duration.ZERO)));
    }

    private void finished(Job job, Outcome o, long jobStart) {
        running.decrementAndGet();
        Duration elapsed = Duration.ofNanos(System.nanoTime() - jobStart);
        if (o.failure().isPresent()) {
            fail(job, o.failure().get(), elapsed);
            return;
        }
        succeeded.incrementAndGet();
        outcomes.put(job, o);
        notify(() -> listener().jobSucceeded(progress(job.file, elapsed), handles(job, job.file, o.models(), false)));
    }

    /**
     * Compiles several single-op jobs of one set in one compiler run, then places each member's model
     * under the name it has alone. A member whose model is missing, or every member when the run
     * failed, is compiled alone: ATC reports only the last op's status.
     */
    private void compileBatch(List<Job> batch) {
        if (shouldSkip()) {
            batch.forEach(this::skip);
            return;
        }
        batch.forEach(this::started);
        long batchStart = System.nanoTime();
        List<OpDesc> ops = batch.stream().map(j -> j.file.ops().get(0)).toList();
        OpFile packed = new OpFile("batch-of-" + batch.size() + "-" + batch.get(0).file.name(), batch.get(0).file.set(), ops);
        List<Job> retry = new ArrayList<>();
        try (ModelStore.Staging staging = store.stage(packed)) {
            CompileOutcome outcome = runCompiler(packed, staging);
            for (int i = 0; i < batch.size(); i++) {
                Job job = batch.get(i);
                if (!(outcome instanceof CompileOutcome.Compiled compiled)) {
                    if (outcome instanceof CompileFailure f && f.kind() == CompileFailure.Kind.CANCELLED) {
                        finished(job, Outcome.failed(f.withFile(job.file)), batchStart);
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
                finished(job, place(job, staging, compiled.elapsed(), System.nanoTime()), batchStart);
            }
        } catch (IOException | RuntimeException e) {
            for (Job job : batch) {
                if (!outcomes.containsKey(job) && !retry.contains(job)) {
                    retry.add(job);
                }
            }
        }
        for (Job job : retry) {
            log.info("compiling {} alone after its batch did not produce it", job.file.fileName());
            running.decrementAndGet();
            compileJob(job);
        }
    }

    private CompileOutcome runCompiler(OpFile file, ModelStore.Staging staging) {
        compilerRuns.incrementAndGet();
        CompileRequest request = new CompileRequest(file, staging.json(), staging.out(), staging.work(), socVersion,
                settings.jobTimeout(), cancellation, settings.compileWorkers());
        long t = System.nanoTime();
        try {
            return compiler.compile(request);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failure(file, CompileFailure.Kind.CANCELLED, "interrupted", t);
        } catch (RuntimeException e) {
            return failure(file, CompileFailure.Kind.BACKEND, "compiler " + compiler.name() + " threw " + e, t);
        }
    }

    /** Compiles one file (a job's representative), checks every expected model and places them. */
    private Outcome compile(OpFile file, String key, List<Job> forJobs) {
        long jobStart = System.nanoTime();
        try (ModelStore.Staging staging = store.stage(file)) {
            CompileOutcome outcome = runCompiler(file, staging);
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

    /** Moves a job's models into place and records them for every file the job serves. */
    private Outcome place(Job job, ModelStore.Staging staging, Duration compileTime, long jobStart) {
        try {
            List<StoredModel> stored = store.publish(job.file, staging);
            store.record(job.members, job.key, stored, compileTime);
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

    private void fail(Job job, CompileFailure failure, Duration elapsed) {
        failed.incrementAndGet();
        failedOnce.set(true);
        outcomes.put(job, Outcome.failed(failure));
        log.warn("compile job failed: {}", failure.describe());
        notify(() -> listener().jobFailed(progress(job.file, elapsed), failure));
    }

    private void skip(Job job) {
        skipped.incrementAndGet();
        outcomes.put(job, Outcome.notStarted());
        notify(() -> listener().jobSkipped(progress(job.file, Duration.ZERO)));
    }

    private CompileFailure failure(OpFile file, CompileFailure.Kind kind, String detail, long since) {
        return new CompileFailure(file, kind, detail, List.of(), OptionalInt.empty(), Optional.empty(), "",
                Duration.ofNanos(System.nanoTime() - since));
    }

    private List<ModelHandle> handles(Job job, OpFile member, List<StoredModel> stored, boolean reused) {
        Path json = jsonFiles.get(member);
        List<ModelHandle> handles = new ArrayList<>();
        for (int i = 0; i < stored.size(); i++) {
            StoredModel s = stored.get(i);
            handles.add(new ModelHandle(member.set(), member.ops().get(i).opType(), i, json, s.path(), s.size(),
                    s.sha256(), reused));
        }
        return handles;
    }

    private GenerationResult result() {
        Map<OpFile, Job> jobOf = new HashMap<>();
        for (Job j : jobs) {
            j.members.forEach(m -> jobOf.put(m, j));
        }
        List<ModelHandle> models = new ArrayList<>();
        List<CompileFailure> failures = new ArrayList<>();
        List<OpFile> notStarted = new ArrayList<>();
        for (OpFile f : plans.stream().flatMap(p -> p.files().stream()).distinct().toList()) {
            Job job = jobOf.get(f);
            Outcome o = outcomes.getOrDefault(job, Outcome.notStarted());
            if (o.skipped()) {
                notStarted.add(f);
            } else if (o.failure().isPresent()) {
                failures.add(o.failure().get().withFile(f));
            } else {
                models.addAll(handles(job, f, o.models(), o.reused()));
            }
        }
        return new GenerationResult(plans, store.root(), compiler.name(), compiler.isSimulated(), models, failures,
                notStarted, Duration.ofNanos(System.nanoTime() - start), compilerRuns.get());
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
            log.warn("generation listener failed", e);
        }
    }
}
