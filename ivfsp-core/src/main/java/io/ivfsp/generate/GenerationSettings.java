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

/**
 * The settings of a generator, the one copy everything reads: made and checked by
 * {@link ModelGeneratorBuilder#build()}, immutable, and handed unchanged to each run. The ranges
 * are here too, so that the builder's setters, this constructor and the CLI check the same rule.
 *
 * @param compiler                the compiler backend
 * @param outputRoot              the absolute output root
 * @param parallelism             the jobs run at once: the configured number capped by the compiler's own limit
 * @param executor                the executor the workers run on, or empty for a pool of {@code parallelism} per run
 * @param jobTimeout              how long one job may run, or empty for no limit
 * @param listener                told about each job
 * @param failFast                whether to start no new job after the first failure
 * @param incremental             whether to reuse intact models of the same cache key
 * @param verification            how models are checked before reuse
 * @param requestedCompileWorkers the compile workers per compiler process, or empty for the machine's share
 * @param scheduling              the order jobs start in
 * @param batching                whether small jobs may share a compiler call
 * @param trace                   where to write the Chrome trace, or empty for none
 * @param remote                  the shared registry, or empty for none
 */
record GenerationSettings(OpCompiler compiler, Path outputRoot, int parallelism, Optional<Executor> executor,
                          Optional<Duration> jobTimeout, GenerationListener listener, boolean failFast,
                          boolean incremental, Verification verification, OptionalInt requestedCompileWorkers,
                          Scheduling scheduling, BatchingMode batching, Optional<Path> trace,
                          Optional<RemoteSettings> remote) {

    GenerationSettings {
        Objects.requireNonNull(compiler, "compiler");
        Objects.requireNonNull(outputRoot, "outputRoot");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(jobTimeout, "jobTimeout");
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(verification, "verification");
        Objects.requireNonNull(requestedCompileWorkers, "requestedCompileWorkers");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(batching, "batching");
        Objects.requireNonNull(trace, "trace");
        Objects.requireNonNull(remote, "remote");
        if (!outputRoot.isAbsolute()) {
            throw new IllegalArgumentException("output root must be absolute: " + outputRoot);
        }
        checkParallelism(parallelism);
        // (ifs, not ifPresent(GenerationSettings::check...): a method reference is linked when first met, on the
        // warm path of a fresh JVM)
        if (jobTimeout.isPresent()) {
            checkJobTimeout(jobTimeout.get());
        }
        if (requestedCompileWorkers.isPresent()) {
            checkCompileWorkers(requestedCompileWorkers.getAsInt());
        }
    }

    /**
     * The compile workers each compiler process may start ({@code TE_PARALLEL_COMPILER}): the requested
     * number, else the machine's processors shared among the jobs running at once, at least 1.
     */
    int compileWorkers() {
        return requestedCompileWorkers.isPresent() ? requestedCompileWorkers.getAsInt()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism);
    }

    /** @throws IllegalArgumentException if not within 1..{@value ModelGenerator#MAX_PARALLELISM} */
    static int checkParallelism(int parallelism) {
        if (parallelism < 1 || parallelism > ModelGenerator.MAX_PARALLELISM) {
            throw new IllegalArgumentException("parallelism must be within 1.." + ModelGenerator.MAX_PARALLELISM + ": " + parallelism);
        }
        return parallelism;
    }

    /** @throws IllegalArgumentException if not within 1..{@value ModelGenerator#MAX_COMPILE_WORKERS} */
    static int checkCompileWorkers(int workers) {
        if (workers < 1 || workers > ModelGenerator.MAX_COMPILE_WORKERS) {
            throw new IllegalArgumentException("compile workers must be within 1.." + ModelGenerator.MAX_COMPILE_WORKERS + ": " + workers);
        }
        return workers;
    }

    /** @throws IllegalArgumentException if not positive */
    static Duration checkJobTimeout(Duration timeout) {
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("job timeout must be positive: " + timeout);
        }
        return timeout;
    }
}
