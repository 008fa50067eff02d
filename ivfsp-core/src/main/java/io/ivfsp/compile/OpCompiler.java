package io.ivfsp.compile;

/**
 * Compiles one single-op JSON file into its {@code .om} files.
 *
 * <p>Contract: write exactly {@code request.file().omFileNames()} into
 * {@code request.outputDirectory()}, keep side files in {@code request.workDirectory()}, honour
 * {@code request.timeout()} and {@code request.cancellation()} (stop the work and return a
 * failure of kind {@code TIMEOUT} / {@code CANCELLED}), and report failures as
 * {@link CompileFailure} rather than by throwing. Implementations must be safe for concurrent
 * calls up to {@link #maxParallelism()}.
 */
public interface OpCompiler {

    /** A short name, e.g. {@code atc} or {@code mock}. */
    String name();

    /**
     * How many jobs this compiler can run at once; the generator never exceeds it. An in-process
     * compiler that is not reentrant answers 1.
     */
    default int maxParallelism() {
        return Integer.MAX_VALUE;
    }

    /**
     * What, beside the JSON, the SoC and the ATC options, decides the bytes this compiler produces:
     * part of every cache key, so that models are rebuilt when it changes (a toolkit upgrade) and
     * only then. Default: the name.
     */
    default String cacheIdentity() {
        return name();
    }

    /** Whether the models it produces are simulated (not loadable by a real Ascend runtime). */
    default boolean isSimulated() {
        return false;
    }

    /**
     * Compiles one job.
     *
     * @throws InterruptedException if the calling thread is interrupted while waiting for the compiler
     */
    CompileOutcome compile(CompileRequest request) throws InterruptedException;
}
