package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.Verification;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;


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
    /** The largest number of compile workers per compiler process. */
    public static final int MAX_COMPILE_WORKERS = 32;

    private final GenerationSettings settings;

    private ModelGenerator(GenerationSettings settings) {
        this.settings = settings;
    }

    /**
     * The compile workers each compiler process may start ({@code TE_PARALLEL_COMPILER}): the configured
     * number, else the machine's processors shared among the jobs running at once, at least 1.
     */
    public int compileWorkers() {
        return settings.compileWorkers();
    }

    /** A builder; only {@link Builder#compiler} is required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The number of jobs run at once: the configured parallelism, capped by the compiler's. */
    public int parallelism() {
        return settings.parallelism();
    }

    /** The output root. */
    public Path outputRoot() {
        return settings.outputRoot();
    }

    /**
     * Generates the models of the given sets and waits for them.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link, or the root's name
     *                                                cannot be represented in the locale's file-name encoding
     * @throws UncheckedIOException if the JSON files cannot be written
     * @throws java.util.concurrent.CancellationException if the calling thread is interrupted (the jobs are then cancelled)
     */
    public GenerationResult generate(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generate(OpCatalog.plan(config, EnumSet.of(first, rest)));
    }

    /** Same as {@link #generate(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationResult generate(ModelPlan plan) {
        return generate(List.of(plan));
    }

    /**
     * Generates the models of several configurations in one pool, each distinct model once: a model
     * that several configurations (or sets) need, such as the FpToFp16 models of indexes that differ
     * only in nlist, is compiled once and recorded for every JSON file that yields it.
     *
     * @throws IllegalArgumentException if two plans give one JSON file name different contents (give each
     *                                  configuration its own {@code -p}), or target different SoCs
     * @see #generate(IvfspConfig, ModelSet, ModelSet...)
     */
    public GenerationResult generate(List<ModelPlan> plans) {
        return GenerationRun.await(generateAsync(plans));
    }

    /**
     * Starts generating the models of the given sets. The JSON files are written, and output locations
     * checked, before this returns; cancelling the future kills the running compiler processes and
     * starts no new job.
     *
     * @throws io.ivfsp.config.InvalidConfigException if the configuration breaks a rule of these sets
     * @throws io.ivfsp.store.OutputRefusedException if an output location is a symbolic link, or the root's name
     *                                                cannot be represented in the locale's file-name encoding
     * @throws UncheckedIOException if the JSON files cannot be written
     */
    public GenerationFuture generateAsync(IvfspConfig config, ModelSet first, ModelSet... rest) {
        return generateAsync(List.of(OpCatalog.plan(config, EnumSet.of(first, rest))));
    }

    /** Same as {@link #generateAsync(IvfspConfig, ModelSet, ModelSet...)} for a plan. */
    public GenerationFuture generateAsync(ModelPlan plan) {
        return generateAsync(List.of(plan));
    }

    /** Same as {@link #generate(List)}, without waiting. */
    public GenerationFuture generateAsync(List<ModelPlan> plans) {
        return OutputRoot.start(settings, plans);
    }

    /**
     * Removes from the output root the models its manifests record that none of {@code plans} needs
     * (never a file the manifests do not record, or one that changed since).
     *
     * @return the removed files
     * @throws UncheckedIOException if a manifest cannot be updated
     */
    public List<Path> prune(ModelPlan... plans) {
        return OutputRoot.prune(settings.outputRoot(), plans);
    }

    /** A generation in progress; {@link #cancel(boolean)} kills its running compiler processes. */
    public static final class GenerationFuture extends CompletableFuture<GenerationResult> {
        private final Cancellation cancellation;

        GenerationFuture(Cancellation cancellation) {
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
        private Verification verification = Verification.STAT;
        private OptionalInt compileWorkers = OptionalInt.empty();
        private Scheduling scheduling = Scheduling.LONGEST_FIRST;
        private BatchingMode batching = BatchingMode.AUTO;
        private Path trace;
        private RemoteSettings remote;

        private Builder() {
        }

        /**
         * A shared model registry ({@code s3://bucket/prefix}, {@code file:///shared/dir}): each job is looked
         * up there before it compiles, and published after; default none.
         *
         * <pre>{@code
         * builder.remote(RemoteSettings.builder("file:///shared/ivfsp").build());
         * }</pre>
         */
        public Builder remote(RemoteSettings remote) {
            this.remote = Objects.requireNonNull(remote, "remote");
            return this;
        }

        /**
         * Whether small single-op jobs of one set may share one compiler call, paying ATC's start-up once;
         * default {@link BatchingMode#AUTO}: only where the costs (learned from the compile times the
         * manifests recorded) predict a shorter makespan. Every model is still checked; an op a shared call
         * did not produce is compiled alone and reported as its own job.
         */
        public Builder batching(BatchingMode mode) {
            this.batching = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** {@code batching(ALWAYS)} when true, {@code batching(NEVER)} when false. */
        public Builder batching(boolean batching) {
            return batching(batching ? BatchingMode.ALWAYS : BatchingMode.NEVER);
        }

        /**
         * Writes the generation as Chrome trace events to {@code file} when it ends (open it in Perfetto or
         * chrome://tracing): a lane per worker, a slice per compiler call with its files, ops, predicted and
         * real seconds, an instant per reused job. Replaced atomically; a failure to write it is logged.
         *
         * <pre>{@code ModelGenerator.builder().compiler(atc).trace(Path.of("generate-trace.json")).build()}</pre>
         */
        public Builder trace(Path file) {
            this.trace = Objects.requireNonNull(file, "file").toAbsolutePath();
            return this;
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
         * @throws IllegalArgumentException if not within 1..{@value #MAX_COMPILE_WORKERS}
         */
        public Builder compileWorkers(int workers) {
            this.compileWorkers = OptionalInt.of(GenerationSettings.checkCompileWorkers(workers));
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

        /**
         * How models are checked before reuse; default {@link Verification#STAT} (trust a model whose stat
         * the manifest recorded, hash the others), {@link Verification#HASH} reads every model.
         *
         * @throws NullPointerException if it is null
         */
        public Builder verification(Verification verification) {
            this.verification = Objects.requireNonNull(verification, "verification");
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
            this.parallelism = GenerationSettings.checkParallelism(parallelism);
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
            this.jobTimeout = GenerationSettings.checkJobTimeout(timeout);
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
            return new ModelGenerator(settings());
        }

        /** The settings as set so far, the compiler's own limit applied to the parallelism. */
        GenerationSettings settings() {
            return new GenerationSettings(compiler, outputRoot, Math.min(parallelism, Math.max(1, compiler.maxParallelism())),
                    Optional.ofNullable(executor), Optional.ofNullable(jobTimeout), listener, failFast, incremental,
                    verification, compileWorkers, scheduling, batching, Optional.ofNullable(trace),
                    Optional.ofNullable(remote));
        }
    }
}
