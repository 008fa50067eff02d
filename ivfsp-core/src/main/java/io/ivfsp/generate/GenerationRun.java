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
import io.ivfsp.store.Verification;

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
    // Scheduling: the calls not started yet, in start order, and those put off because another process holds a lock.
    private final Object queueLock = new Object();
    private final java.util.ArrayDeque<Batching.Task<Job>> queue = new java.util.ArrayDeque<>();
    private final List<Batching.Task<Job>> deferred = new ArrayList<>();
    private final List<CostModel.Sample> recorded = new ArrayList<>();
    private final List<CostModel.Sample> measured = new ArrayList<>();
    private CostModel costs = CostModel.STATIC;
    private final Optional<TraceWriter> trace;
    private final ThreadLocal<Integer> lane = ThreadLocal.withInitial(() -> 0);
    /** The shared registry (or none): consulted before a job compiles, told after. */
    private final RemoteModels remote;

    /** One distinct model content in one output directory, and the JSON files it serves. */
    static final class Job {
        final OpFile file;
        final List<OpFile> members;
        final String key;
        final double millionElements;
        /** The compile time the manifest recorded for it, or NaN. */
        final double recordedSeconds;
        volatile double estimate;

        Job(OpFile file, List<OpFile> members, String key, double recordedSeconds) {
            this.file = file;
            this.members = List.copyOf(members);
            this.key = key;
            this.millionElements = CostModel.millionElements(file);
            this.recordedSeconds = recordedSeconds;
        }

        /** Its expected seconds alone: what was recorded, else what the model predicts. */
        double expected(CostModel model) {
            return recordedSeconds > 0 ? recordedSeconds : model.predict(file);
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
        this.trace = settings.trace().map(t -> new TraceWriter(start));
        try {
            this.remote = settings.remote().map(r -> RemoteModels.whenNeeded(r, compiler, socVersion)).orElseGet(RemoteModels::none);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    ModelGenerator.GenerationFuture start() {
        jobs = jobs();
        List<Job> left = reuseTrusted();
        if (left.isEmpty()) {
            return warm();
        }
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

        Batching.Plan<Job> plan = plan(left);
        List<Batching.Task<Job>> order = new ArrayList<>(plan.tasks());
        if (settings.scheduling() == Scheduling.PLAN_ORDER) {
            order.sort(Comparator.comparingInt((Batching.Task<Job> t) -> jobs.indexOf(t.jobs().get(0))));
        }
        queue.addAll(order);
        int workerCount = Math.min(settings.parallelism(), Math.max(1, order.size()));
        trace.ifPresent(t -> {
            t.lanes(workerCount);
            t.about("compiler", compiler.name());
            t.about("parallelism", settings.parallelism());
            t.about("batching", settings.batching().name());
            t.about("cost_model", costAbout(costs));
            t.about("jobs", jobs.size());
            t.about("calls", order.size());
            t.about("predicted_makespan_s", TraceWriter.round(plan.predicted()));
            t.about("predicted_unbatched_s", TraceWriter.round(plan.unbatched()));
        });
        List<CompletableFuture<Void>> workers = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            int laneNumber = w + 1;
            workers.add(CompletableFuture.runAsync(() -> work(laneNumber), exec));
        }
        CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).whenComplete((v, error) -> {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException shuttingDown) {
                // The hook is running or about to: nothing to remove.
            }
            store.close();
            remote.close();
            writeTrace();
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

    /**
     * The calls: the cost model fitted to the compile times the manifests recorded (the static guess
     * without them), each job's expected time, and the batching that model predicts best.
     */
    private Batching.Plan<Job> plan(List<Job> left) {
        costs = CostModel.fit(recorded);
        for (Job j : jobs) {
            j.estimate = j.expected(costs);
        }
        log.debug("cost model {} from {} recorded compile times", costs, recorded.size());
        return Batching.plan(left, j -> new Batching.Item(j.estimate, j.file.ops().size(), j.millionElements,
                        j.file.ops().size() == 1, j.file.set()), costs.startup(), settings.parallelism(),
                // A simulated compiler has no start-up to save.
                compiler.isSimulated() && settings.batching() == BatchingMode.AUTO ? BatchingMode.NEVER : settings.batching(),
                !costs.learned());
    }

    private double predicted(List<Job> task) {
        if (task.size() == 1) {
            return task.get(0).estimate;
        }
        return costs.startup() + task.stream().mapToDouble(j -> Math.max(0, j.estimate - costs.startup())).sum();
    }

    private static Map<String, Object> costAbout(CostModel m) {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("startup_s", TraceWriter.round(m.startup()));
        about.put("per_op_s", TraceWriter.round(m.perOp()));
        about.put("per_million_elements_s", TraceWriter.round(m.perMillionElements()));
        about.put("samples", m.samples());
        return about;
    }

    /**
     * One worker: takes the next call; a call whose lock another process holds is put off rather than
     * waited for while other calls can run, and come back to when nothing else is left.
     */
    private void work(int laneNumber) {
        lane.set(laneNumber);
        long pause = 5;
        while (true) {
            Batching.Task<Job> task;
            boolean retry;
            synchronized (queueLock) {
                task = queue.poll();
                retry = task == null;
                if (retry) {
                    if (deferred.isEmpty()) {
                        return;
                    }
                    task = deferred.remove(0);
                }
            }
            if (!retry) {
                runTask(task, false);
                continue;
            }
            // Nothing new to start: come back to what was put off. The last one left is waited for.
            boolean last;
            synchronized (queueLock) {
                last = deferred.isEmpty();
            }
            if (runTask(task, last)) {
                pause = 5;
            } else {
                sleep(pause);
                pause = Math.min(pause * 2, 100);
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Refits the costs with what this run measured, and re-sorts the calls not started yet by them. */
    private void learn(int ops, double millionElements, Duration elapsed) {
        if (settings.scheduling() != Scheduling.LONGEST_FIRST) {
            return;
        }
        synchronized (queueLock) {
            measured.add(new CostModel.Sample(ops, millionElements, elapsed.toNanos() / 1e9));
            if (costs.learned() || measured.size() < CostModel.MIN_SAMPLES || queue.size() < 2) {
                return;
            }
            CostModel model = CostModel.fit(measured);
            if (!model.learned()) {
                return;
            }
            // Only the order of what is left changes; the calls themselves were planned at the start.
            List<Batching.Task<Job>> rest = new ArrayList<>(queue);
            queue.clear();
            rest.sort(Comparator.comparingDouble((Batching.Task<Job> t) -> t.jobs().stream()
                    .mapToDouble(j -> j.expected(model) - model.startup()).sum() + model.startup()).reversed());
            queue.addAll(rest);
        }
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
            // The time recorded for any file of the job: after a toolkit upgrade the keys differ, the costs hardly.
            double seconds = Double.NaN;
            for (OpFile m : e.getValue()) {
                Optional<Double> t = manifests.computeIfAbsent(m.outputDirectory(), d -> store.manifest(m.set()))
                        .entry(m.fileName()).map(Manifest.Entry::compileSeconds)
                        .filter(x -> x > 0 && Double.isFinite(x));
                if (t.isPresent()) {
                    seconds = t.get();
                    break;
                }
            }
            Job job = new Job(first, e.getValue(), keys.get(e.getKey()), seconds);
            if (seconds > 0) {
                recorded.add(new CostModel.Sample(first.ops().size(), job.millionElements, seconds));
            }
            list.add(job);
        }
        return list;
    }

    private boolean shouldSkip() {
        return cancellation.isCancelled() || (settings.failFast() && failedOnce.get());
    }

    /**
     * Runs a call: reuses what can be reused, then compiles the rest, together when it is a batch. A job
     * whose lock another generator (thread or process) holds is put off unless {@code wait}: that
     * generator is compiling the same content, which this one will then reuse.
     *
     * @return false if nothing was done because every job of the call is locked elsewhere (it is put off again)
     */
    private boolean runTask(Batching.Task<Job> task, boolean wait) {
        List<AutoCloseable> locks = new ArrayList<>();
        List<Job> busy = new ArrayList<>();
        try {
            List<Job> toCompile = new ArrayList<>();
            // Locks in key order, so that generators locking several jobs cannot deadlock.
            List<Job> ordered = new ArrayList<>(task.jobs());
            ordered.sort(Comparator.comparing((Job j) -> j.key));
            for (Job job : ordered) {
                if (shouldSkip()) {
                    skip(job);
                    continue;
                }
                Optional<ModelStore.JobLock> lock;
                try {
                    // Asked to stop waiting at once, the store tries the lock once.
                    lock = store.lockJob(job.file.outputDirectory(), job.key, wait ? this::shouldSkip : () -> true);
                } catch (IOException e) {
                    fail(job, failure(job.file, CompileFailure.Kind.PUBLISH, "cannot lock the job: " + e.getMessage(),
                            System.nanoTime()), Duration.ZERO);
                    continue;
                }
                if (lock.isEmpty()) {
                    if (shouldSkip()) {
                        skip(job);
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
                putOff(busy);
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
            claim = remote.claim(job.file, job.members, job.key, store, settings.incremental(), wait, this::shouldSkip);
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
            if (!wait && !shouldSkip()) {
                busy.add(job);
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

    private void putOff(List<Job> busy) {
        synchronized (queueLock) {
            // Each alone: they may come free at different times.
            busy.forEach(j -> deferred.add(new Batching.Task<>(List.of(j), j.estimate)));
        }
        trace.ifPresent(t -> busy.forEach(j -> t.instant(lane.get(), System.nanoTime(), "deferred " + j.file.fileName(),
                "lock", Map.of("file", j.file.fileName(), "why", "another generator holds its lock"))));
    }

    /**
     * The warm path: at stat verification, the jobs whose models the manifests' stats vouch for are
     * reused at once, in the calling thread, without their locks (nothing is read or written, so there
     * is nothing to wait for); the jobs left are those to run on workers.
     */
    private List<Job> reuseTrusted() {
        if (!settings.incremental() || settings.verification() != Verification.STAT || settings.trace().isPresent()) {
            return jobs;
        }
        List<Job> left = new ArrayList<>();
        for (Job job : jobs) {
            Optional<List<StoredModel>> models = store.trusted(job.file, job.key);
            if (models.isPresent()) {
                reused(job, models.get());
            } else {
                left.add(job);
            }
        }
        return left;
    }

    /** Every job reused: the result, without a worker, pool, shutdown hook or batching plan. */
    private ModelGenerator.GenerationFuture warm() {
        ModelGenerator.GenerationFuture future = new ModelGenerator.GenerationFuture(cancellation);
        try {
            store.close();
            remote.close();
            future.complete(result());
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    private boolean reuse(Job job) {
        if (!settings.incremental()) {
            return false;
        }
        Optional<List<StoredModel>> models = store.reusable(job.file, job.key, settings.verification());
        if (models.isEmpty()) {
            return false;
        }
        reused(job, models.get());
        return true;
    }

    private void reused(Job job, List<StoredModel> found) {
        Optional<List<StoredModel>> models = Optional.of(found);
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
        trace.ifPresent(t -> t.instant(lane.get(), System.nanoTime(), "reused " + job.file.fileName(), "reuse",
                Map.of("file", job.file.fileName(), "models", models.get().stream()
                        .map(m -> m.path().getFileName().toString()).toList())));
        notify(() -> listener().jobSucceeded(progress(job.file, Duration.ZERO), handles(job, job.file, models.get(), true)));
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
            CompileOutcome outcome = runCompiler(packed, staging, batch);
            double shares = batch.stream().mapToDouble(j -> Math.max(0, j.estimate - costs.startup())).sum();
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
                // What this member would have taken alone, as far as the model can tell: one start-up and its
                // share of the rest. The manifest keeps it, so later runs predict this job on its own.
                double seconds = compiled.elapsed().toNanos() / 1e9;
                double work = Math.max(0, seconds - costs.startup());
                double share = shares > 0 ? Math.max(0, job.estimate - costs.startup()) / shares : 1.0 / batch.size();
                double aloneSeconds = Math.min(seconds, costs.startup()) + work * share;
                finished(job, place(job, staging, Duration.ofNanos((long) (aloneSeconds * 1e9)), System.nanoTime()), batchStart);
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

    /** Runs the compiler once for the jobs of one call; traces the call and learns from its time. */
    private CompileOutcome runCompiler(OpFile file, ModelStore.Staging staging, List<Job> forJobs) {
        compilerRuns.incrementAndGet();
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
            learn(file.ops().size(), CostModel.millionElements(file), c.elapsed());
        }
        CompileOutcome traced = outcome;
        trace.ifPresent(tw -> tw.call(lane.get(), t, end, forJobs.stream().map(j -> j.file.fileName()).toList(),
                file.ops().stream().map(OpDesc::opType).toList(), predicted(forJobs),
                traced instanceof CompileFailure f ? f.kind() + (f.errorCode().map(code -> " " + code).orElse(""))
                        : "ok"));
        return outcome;
    }

    private void writeTrace() {
        if (trace.isEmpty() || settings.trace().isEmpty()) {
            return;
        }
        try {
            trace.get().write(settings.trace().get());
        } catch (IOException | RuntimeException e) {
            log.warn("could not write the trace {}: {}", settings.trace().get(), e.toString());
        }
    }

    /** Compiles one file (a job's representative), checks every expected model and places them. */
    private Outcome compile(OpFile file, String key, List<Job> forJobs) {
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
