package io.ivfsp.generate;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.Verification;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;

/** Settings of a {@link ModelGenerator}, made by {@link ModelGenerator#builder()}. */
public final class ModelGeneratorBuilder {
    private OpCompiler compiler;
    private int parallelism = ModelGenerator.DEFAULT_PARALLELISM;
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

    ModelGeneratorBuilder() {
    }

    /**
     * A shared model registry ({@code s3://bucket/prefix}, {@code file:///shared/dir}): each job is looked
     * up there before it compiles, and published after; default none.
     *
     * <pre>{@code
     * builder.remote(RemoteSettings.builder("file:///shared/ivfsp").build());
     * }</pre>
     */
    public ModelGeneratorBuilder remote(RemoteSettings remote) {
        this.remote = Objects.requireNonNull(remote, "remote");
        return this;
    }

    /**
     * Whether small single-op jobs of one set may share one compiler call, paying ATC's start-up once;
     * default {@link BatchingMode#AUTO}: only where the costs (learned from the compile times the
     * manifests recorded) predict a shorter makespan. Every model is still checked; an op a shared call
     * did not produce is compiled alone and reported as its own job.
     */
    public ModelGeneratorBuilder batching(BatchingMode mode) {
        this.batching = Objects.requireNonNull(mode, "mode");
        return this;
    }

    /** {@code batching(ALWAYS)} when true, {@code batching(NEVER)} when false. */
    public ModelGeneratorBuilder batching(boolean batching) {
        return batching(batching ? BatchingMode.ALWAYS : BatchingMode.NEVER);
    }

    /**
     * Writes the generation as Chrome trace events to {@code file} when it ends (open it in Perfetto or
     * chrome://tracing): a lane per worker, a slice per compiler call with its files, ops, predicted and
     * real seconds, an instant per reused job. Replaced atomically; a failure to write it is logged.
     *
     * <pre>{@code ModelGenerator.builder().compiler(atc).trace(Path.of("generate-trace.json")).build()}</pre>
     */
    public ModelGeneratorBuilder trace(Path file) {
        this.trace = Objects.requireNonNull(file, "file").toAbsolutePath();
        return this;
    }

    /** The order jobs start in; default {@link Scheduling#LONGEST_FIRST}. */
    public ModelGeneratorBuilder scheduling(Scheduling scheduling) {
        this.scheduling = Objects.requireNonNull(scheduling, "scheduling");
        return this;
    }

    /**
     * The compile workers each ATC process may start ({@code TE_PARALLEL_COMPILER}, ATC's default 8);
     * default: the processors divided by the parallelism, so that jobs x workers does not oversubscribe.
     *
     * @throws IllegalArgumentException if not within 1..{@value ModelGenerator#MAX_COMPILE_WORKERS}
     */
    public ModelGeneratorBuilder compileWorkers(int workers) {
        this.compileWorkers = OptionalInt.of(GenerationSettings.checkCompileWorkers(workers));
        return this;
    }

    /**
     * Whether to reuse a job's models when its manifest entry has the same cache key and its models
     * are intact (default), instead of compiling everything again.
     */
    public ModelGeneratorBuilder incremental(boolean incremental) {
        this.incremental = incremental;
        return this;
    }

    /**
     * How models are checked before reuse; default {@link Verification#STAT} (trust a model whose stat
     * the manifest recorded, hash the others), {@link Verification#HASH} reads every model.
     *
     * @throws NullPointerException if it is null
     */
    public ModelGeneratorBuilder verification(Verification verification) {
        this.verification = Objects.requireNonNull(verification, "verification");
        return this;
    }

    /** The compiler backend (required). */
    public ModelGeneratorBuilder compiler(OpCompiler compiler) {
        this.compiler = Objects.requireNonNull(compiler, "compiler");
        return this;
    }

    /**
     * How many jobs run at once; default {@value ModelGenerator#DEFAULT_PARALLELISM}, capped by the compiler's own limit.
     *
     * @throws IllegalArgumentException if not within 1..{@value ModelGenerator#MAX_PARALLELISM}
     */
    public ModelGeneratorBuilder parallelism(int parallelism) {
        this.parallelism = GenerationSettings.checkParallelism(parallelism);
        return this;
    }

    /**
     * The executor running the jobs (to facilitate testing); default a {@link ForkJoinPool} of
     * {@code parallelism} threads per generation. The generator runs {@code parallelism} workers on it,
     * so at most that many jobs run at once whatever the executor's size. It is not shut down.
     */
    public ModelGeneratorBuilder executor(Executor executor) {
        this.executor = Objects.requireNonNull(executor, "executor");
        return this;
    }

    /** The output root; default the current directory. */
    public ModelGeneratorBuilder outputRoot(Path root) {
        this.outputRoot = Objects.requireNonNull(root, "root").toAbsolutePath();
        return this;
    }

    /**
     * How long one job may run before its compiler is killed; default no limit.
     *
     * @throws IllegalArgumentException if not positive
     */
    public ModelGeneratorBuilder jobTimeout(Duration timeout) {
        this.jobTimeout = GenerationSettings.checkJobTimeout(timeout);
        return this;
    }

    /** Told about each job; default none. */
    public ModelGeneratorBuilder listener(GenerationListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Whether to start no new job after the first failure (running jobs finish); default false:
     * keep going and report every failure.
     */
    public ModelGeneratorBuilder failFast(boolean failFast) {
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
