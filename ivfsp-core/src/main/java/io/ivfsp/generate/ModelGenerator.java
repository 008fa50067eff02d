package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoreFaults;
import io.ivfsp.store.StoredModel;
import io.ivfsp.store.Verification;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles every single-op JSON file of the chosen model sets in one pool, and hands back the
 * generated models.
 *
 * <pre>{@code
 * ModelGenerator generator = ModelGenerator.builder()
 *         .compiler(AtcCompiler.builder().build())   // or MockOpCompiler.create() without Ascend
 *         .outputRoot(Path.of("/srv/ivfsp"))
 *         .build();
 * GenerationResult result = generator
 *         .generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING)
 *         .requireSuccess();
 * }</pre>
 *
 * <p>Layout under the output root, as the reference scripts: {@code config/*.json},
 * {@code op_models/} (service, AICPU), {@code op_models_pyacl/} (training). A generator holds no
 * state between calls and may be used from several threads.
 */
public final class ModelGenerator {

    /** The default number of jobs at once: the reference's pool size. */
    public static final int DEFAULT_PARALLELISM = 16;
    /** The largest allowed parallelism: the reference's limit. */
    public static final int MAX_PARALLELISM = 32;

    private static final Logger log = LoggerFactory.getLogger(ModelGenerator.class);

    private final OpCompiler compiler;
    private final int parallelism;
    private final Executor executor;
    private final Path outputRoot;
    private final Optional<Duration> jobTimeout;
    private final GenerationListener listener;
    private final boolean failFast;
    private final boolean incremental;
    private final Verification verification;
    private final StoreFaults storeFaults;
    private final int compileWorkers;
    private final Scheduling scheduling;

    private ModelGenerator(Builder b) {
        this.compiler = b.compiler;
        this.parallelism = Math.min(b.parallelism, Math.max(1, b.compiler.maxParallelism()));
        this.executor = b.executor;
        this.outputRoot = b.outputRoot;
        this.jobTimeout = Optional.ofNullable(b.jobTimeout);
        this.listener = b.listener;
        this.failFast = b.failFast;
        this.incremental = b.incremental;
        this.verification = b.verification;
        this.storeFaults = b.storeFaults;
        this.compileWorkers = b.compileWorkers;
        this.scheduling = b.scheduling;
    }

    /**
     * The compile workers each compiler process may start ({@code TE_PARALLEL_COMPILER}): the configured
     * number, else the machine's processors shared among the jobs running at once, at least 1.
     */
    public int compileWorkers() {
        if (compileWorkers > 0) {
            return compileWorkers;
        }
        return Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
    }

    /** A builder; only {@link Builder#compiler} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of jobs run at once: the configured parallelism, capped by the compiler's. */
    public int parallelism() {
        return parallelism;
    }

    /** The output root. */
    public Path outputRoot() {
        return outputRoot;
    }

    /**
     * Generates the models of the given sets and waits for them.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link
     * @throws UncheckedIOException if the JSON files cannot be written
     * @throws CancellationException if the calling thread is interrupted (the jobs are then cancelled)
     */
    public GenerationResult generate(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generate(OpCatalog.plan(config, EnumSet.of(first, rest)));
    }

    /** Same as {@link #generate(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationResult generate(ModelPlan plan) {
        GenerationFuture future = generateAsync(plan);
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

    /**
     * Starts generating the models of the given sets. The JSON files are written, and output locations
     * checked, before this returns; cancelling the future kills the running compiler processes and
     * starts no new job.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link
     * @throws UncheckedIOException if the JSON files cannot be written
     */
    public GenerationFuture generateAsync(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generateAsync(OpCatalog.plan(config, EnumSet.of(first, rest)));
    }

    /** Same as {@link #generateAsync(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationFuture generateAsync(ModelPlan plan) {
        Objects.requireNonNull(plan, "plan");
        ModelStore store = ModelStore.open(outputRoot, storeFaults);
        List<Path> jsonFiles = new ArrayList<>();
        try {
            store.prepare(plan);
            for (OpFile f : plan.files()) {
                try {
                    jsonFiles.add(store.writeJson(f));
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write " + store.jsonPath(f) + ": " + e.getMessage(), e);
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new Run(plan, store, jsonFiles).start();
    }

    /**
     * Removes from the output root the models its manifests record that none of {@code plans} needs
     * (never a file the manifests do not record, or one that changed since).
     *
     * @return the removed files
     * @throws UncheckedIOException if a manifest cannot be updated
     */
    public List<Path> prune(ModelPlan... plans) {
        List<OpFile> keep = new ArrayList<>();
        for (ModelPlan p : plans) {
            keep.addAll(p.files());
        }
        try (ModelStore store = ModelStore.open(outputRoot, storeFaults)) {
            return store.prune(keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune " + outputRoot + ": " + e.getMessage(), e);
        }
    }

    /** A generation in progress; {@link #cancel(boolean)} kills its running compiler processes. */
    public static final class GenerationFuture extends CompletableFuture<GenerationResult> {
        private final Cancellation cancellation;

        private GenerationFuture(Cancellation cancellation) {
            this.cancellation = cancellation;
        }

        /** Stops the generation: no job starts any more, running compilers are killed. */
        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // Cancel first: killing the jobs lets the run complete, which must not win the race.
            boolean cancelled = super.cancel(mayInterruptIfRunning);
            cancellation.cancel();
            return cancelled;
        }
    }

    /** One call of generate: its jobs, counters and cancellation. */
    private final class Run {
        private final ModelPlan plan;
        private final ModelStore store;
        private final List<Path> jsonFiles;
        private final Cancellation cancellation = new Cancellation();
        private final AtomicBoolean failedOnce = new AtomicBoolean();
        private final AtomicInteger succeeded = new AtomicInteger();
        private final AtomicInteger failed = new AtomicInteger();
        private final AtomicInteger skipped = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final long start = System.nanoTime();
        private final java.util.Map<String, io.ivfsp.store.Manifest> manifests = new java.util.HashMap<>();

        Run(ModelPlan plan, ModelStore store, List<Path> jsonFiles) {
            this.plan = plan;
            this.store = store;
            this.jsonFiles = jsonFiles;
        }

        GenerationFuture start() {
            // A normal JVM shutdown (SIGTERM, System.exit) stops the running ATC processes too.
            Thread shutdownHook = new Thread(cancellation::cancel, "ivfsp-generation-shutdown");
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            ForkJoinPool ownPool = executor == null ? new ForkJoinPool(parallelism) : null;
            Executor exec = ownPool != null ? ownPool : executor;
            GenerationFuture future = new GenerationFuture(cancellation);
            // Longest expected first: the long jobs start at once and the short ones fill the gaps.
            List<Integer> order = new ArrayList<>();
            double[] cost = new double[plan.files().size()];
            for (int i = 0; i < cost.length; i++) {
                order.add(i);
                cost[i] = expectedSeconds(plan.files().get(i));
            }
            if (scheduling == Scheduling.LONGEST_FIRST) {
                order.sort((a, b) -> Double.compare(cost[b], cost[a]));
            }
            java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
            JobResult[] results = new JobResult[cost.length];
            List<CompletableFuture<Void>> workers = new ArrayList<>();
            for (int w = 0; w < Math.min(parallelism, Math.max(1, cost.length)); w++) {
                workers.add(CompletableFuture.runAsync(() -> {
                    int k;
                    while ((k = next.getAndIncrement()) < order.size()) {
                        int i = order.get(k);
                        results[i] = runJob(plan.files().get(i), jsonFiles.get(i));
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
                if (ownPool != null) {
                    ownPool.shutdown();
                }
                if (error != null) {
                    future.completeExceptionally(error);
                } else {
                    future.complete(result(List.of(results)));
                }
            });
            return future;
        }

        /** The compile time the manifest recorded for this file, else the estimate from its shapes. */
        private double expectedSeconds(OpFile file) {
            return manifests.computeIfAbsent(file.set().outputDirectory(), d -> store.manifest(file.set()))
                    .entry(file.fileName()).map(e -> e.compileSeconds()).filter(t -> t > 0)
                    .orElseGet(() -> JobCost.estimateSeconds(file));
        }

        private GenerationResult result(List<JobResult> jobs) {
            List<ModelHandle> models = new ArrayList<>();
            List<CompileFailure> failures = new ArrayList<>();
            List<OpFile> notStarted = new ArrayList<>();
            for (JobResult j : jobs) {
                models.addAll(j.models());
                j.failure().ifPresent(failures::add);
                if (j.skipped()) {
                    notStarted.add(j.file());
                }
            }
            return new GenerationResult(plan, store.root(), compiler.name(), compiler.isSimulated(), models,
                    failures, notStarted, elapsed());
        }

        private boolean shouldSkip() {
            return cancellation.isCancelled() || (failFast && failedOnce.get());
        }

        private JobResult runJob(OpFile file, Path json) {
            if (shouldSkip()) {
                return skip(file);
            }
            long lockStart = System.nanoTime();
            Optional<ModelStore.JobLock> lock;
            try {
                // Another generator (thread or process) compiling this file holds the lock: wait, then reuse.
                lock = store.lockJob(file, this::shouldSkip);
            } catch (IOException e) {
                return fail(file, failure(file, CompileFailure.Kind.PUBLISH, "cannot lock the job: " + e.getMessage(),
                        lockStart), Duration.ZERO);
            }
            if (lock.isEmpty()) {
                return skip(file);
            }
            try (ModelStore.JobLock held = lock.get()) {
                if (shouldSkip()) {
                    return skip(file);
                }
                String key = CacheKey.of(file, plan.config().socVersion(), compiler.name(), compiler.cacheIdentity());
                if (incremental) {
                    Optional<List<StoredModel>> reusable = store.reusable(file, key, verification);
                    if (reusable.isPresent()) {
                        List<ModelHandle> handles = handles(file, json, reusable.get(), true);
                        succeeded.incrementAndGet();
                        notify(() -> listener.jobSucceeded(progress(file, Duration.ZERO), handles));
                        return new JobResult(file, handles, Optional.empty(), false);
                    }
                }
                return compileJob(file, json, key);
            }
        }

        private JobResult compileJob(OpFile file, Path json, String key) {
            if (shouldSkip()) {
                return skip(file);
            }
            running.incrementAndGet();
            notify(() -> listener.jobStarted(progress(file, Duration.ZERO)));
            long jobStart = System.nanoTime();
            JobResult r = compileAndPublish(file, json, key);
            running.decrementAndGet();
            Duration jobElapsed = Duration.ofNanos(System.nanoTime() - jobStart);
            if (r.failure().isPresent()) {
                return fail(file, r.failure().get(), jobElapsed);
            }
            succeeded.incrementAndGet();
            notify(() -> listener.jobSucceeded(progress(file, jobElapsed), r.models()));
            return r;
        }

        private JobResult fail(OpFile file, CompileFailure failure, Duration jobElapsed) {
            failed.incrementAndGet();
            failedOnce.set(true);
            log.warn("compile job failed: {}", failure.describe());
            notify(() -> listener.jobFailed(progress(file, jobElapsed), failure));
            return JobResult.failed(file, failure);
        }

        private JobResult compileAndPublish(OpFile file, Path json, String key) {
            long jobStart = System.nanoTime();
            try (ModelStore.Staging staging = store.stage(file)) {
                CompileRequest request = new CompileRequest(file, staging.json(), staging.out(), staging.work(),
                        plan.config().socVersion(), jobTimeout, cancellation, compileWorkers());
                CompileOutcome outcome;
                try {
                    outcome = compiler.compile(request);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return JobResult.failed(file, failure(file, CompileFailure.Kind.CANCELLED, "interrupted", jobStart));
                } catch (RuntimeException e) {
                    return JobResult.failed(file, failure(file, CompileFailure.Kind.BACKEND,
                            "compiler " + compiler.name() + " threw " + e, jobStart));
                }
                if (outcome instanceof CompileFailure f) {
                    return JobResult.failed(file, f);
                }
                CompileOutcome.Compiled compiled = (CompileOutcome.Compiled) outcome;
                List<String> missing = store.missingModels(file, staging);
                if (!missing.isEmpty()) {
                    // ATC reports only the last op's status: an earlier op can fail while it exits 0.
                    return JobResult.failed(file, new CompileFailure(file, CompileFailure.Kind.MISSING_MODEL,
                            "reported success but did not produce " + missing.size() + " of "
                                    + file.ops().size() + " models (missing or empty): " + String.join(", ", missing),
                            compiled.command(), compiled.command().isEmpty() ? OptionalInt.empty() : OptionalInt.of(0),
                            CompileFailure.findErrorCode(compiled.outputTail()), compiled.outputTail(),
                            compiled.elapsed()));
                }
                List<StoredModel> stored = store.publish(file, staging);
                store.record(file, key, stored, compiled.elapsed());
                return new JobResult(file, handles(file, json, stored, false), Optional.empty(), false);
            } catch (IOException | RuntimeException e) {
                return JobResult.failed(file, failure(file, CompileFailure.Kind.PUBLISH,
                        "could not place the models: " + e.getMessage(), jobStart));
            }
        }

        private List<ModelHandle> handles(OpFile file, Path json, List<StoredModel> stored, boolean reused) {
            List<ModelHandle> handles = new ArrayList<>();
            for (int i = 0; i < stored.size(); i++) {
                StoredModel s = stored.get(i);
                handles.add(new ModelHandle(file.set(), file.ops().get(i).opType(), i, json, s.path(), s.size(),
                        s.sha256(), reused));
            }
            return handles;
        }

        private CompileFailure failure(OpFile file, CompileFailure.Kind kind, String detail, long jobStart) {
            return new CompileFailure(file, kind, detail, List.of(), OptionalInt.empty(), Optional.empty(), "",
                    Duration.ofNanos(System.nanoTime() - jobStart));
        }

        private JobResult skip(OpFile file) {
            skipped.incrementAndGet();
            notify(() -> listener.jobSkipped(progress(file, Duration.ZERO)));
            return new JobResult(file, List.of(), Optional.empty(), true);
        }

        private JobProgress progress(OpFile file, Duration jobElapsed) {
            return new JobProgress(file, plan.files().size(), succeeded.get(), failed.get(), skipped.get(),
                    running.get(), elapsed(), jobElapsed);
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - start);
        }

        private void notify(Runnable call) {
            try {
                call.run();
            } catch (RuntimeException e) {
                log.warn("generation listener failed", e);
            }
        }
    }

    private record JobResult(OpFile file, List<ModelHandle> models, Optional<CompileFailure> failure,
                             boolean skipped) {
        static JobResult failed(OpFile file, CompileFailure f) {
            return new JobResult(file, List.of(), Optional.of(f), false);
        }
    }

    /** Settings of a {@link ModelGenerator}. */
    public static final class Builder {
        private OpCompiler compiler;
        private int parallelism = DEFAULT_PARALLELISM;
        private Executor executor;
        private Path outputRoot = Path.of("").toAbsolutePath();
        private Duration jobTimeout;
        private GenerationListener listener = GenerationListener.NONE;
        private boolean failFast;
        private boolean incremental = true;
        private Verification verification = Verification.SIZE;
        private StoreFaults storeFaults = StoreFaults.NONE;
        private int compileWorkers;
        private Scheduling scheduling = Scheduling.LONGEST_FIRST;

        private Builder() {
        }

        /** The order jobs start in; default {@link Scheduling#LONGEST_FIRST}. */
        public Builder scheduling(Scheduling scheduling) {
            this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
            return this;
        }

        /**
         * The compile workers each ATC process may start ({@code TE_PARALLEL_COMPILER}, ATC's default 8);
         * default: the processors divided by the parallelism, so that jobs x workers does not oversubscribe.
         *
         * @throws IllegalArgumentException if not within 1..32
         */
        public Builder compileWorkers(int workers) {
            if (workers < 1 || workers > 32) {
                throw new IllegalArgumentException("compile workers must be within 1..32: " + workers);
            }
            this.compileWorkers = workers;
            return this;
        }

        /**
         * Whether to reuse a job's models when its manifest entry has the same cache key and its models
         * are intact (default), instead of compiling everything again.
         */
        public Builder incremental(boolean incremental) {
            this.incremental = incremental;
            return this;
        }

        /** How models are checked before reuse; default {@link Verification#SIZE}. */
        public Builder verification(Verification verification) {
            this.verification = Objects.requireNonNull(verification, "verification");
            return this;
        }

        /** Failures to inject into the store's writes, to facilitate testing; default none. */
        public Builder storeFaults(StoreFaults faults) {
            this.storeFaults = Objects.requireNonNull(faults, "faults");
            return this;
        }

        /** The compiler backend (required). */
        public Builder compiler(OpCompiler compiler) {
            this.compiler = Objects.requireNonNull(compiler, "compiler");
            return this;
        }

        /**
         * How many jobs run at once; default {@value #DEFAULT_PARALLELISM}, capped by the compiler's own limit.
         *
         * @throws IllegalArgumentException if not within 1..{@value #MAX_PARALLELISM}
         */
        public Builder parallelism(int parallelism) {
            if (parallelism < 1 || parallelism > MAX_PARALLELISM) {
                throw new IllegalArgumentException("parallelism must be within 1.." + MAX_PARALLELISM + ": " + parallelism);
            }
            this.parallelism = parallelism;
            return this;
        }

        /**
         * The executor running the jobs (to facilitate testing); default a {@link ForkJoinPool} of
         * {@code parallelism} threads per generation. The generator runs {@code parallelism} workers on it,
         * so at most that many jobs run at once whatever the executor's size. It is not shut down.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** The output root; default the current directory. */
        public Builder outputRoot(Path root) {
            this.outputRoot = Objects.requireNonNull(root, "root").toAbsolutePath();
            return this;
        }

        /**
         * How long one job may run before its compiler is killed; default no limit.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder jobTimeout(Duration timeout) {
            if (timeout.isZero() || timeout.isNegative()) {
                throw new IllegalArgumentException("job timeout must be positive: " + timeout);
            }
            this.jobTimeout = timeout;
            return this;
        }

        /** Told about each job; default none. */
        public Builder listener(GenerationListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        /**
         * Whether to start no new job after the first failure (running jobs finish); default false:
         * keep going and report every failure.
         */
        public Builder failFast(boolean failFast) {
            this.failFast = failFast;
            return this;
        }

        /**
         * Builds the generator; the builder may be used again.
         *
         * @throws IllegalStateException if no compiler was set
         */
        public ModelGenerator build() {
            if (compiler == null) {
                throw new IllegalStateException("a compiler is required: call compiler(...)");
            }
            return new ModelGenerator(this);
        }
    }
}
