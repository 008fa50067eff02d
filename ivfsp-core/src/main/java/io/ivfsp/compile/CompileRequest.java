package io.ivfsp.compile;

import io.ivfsp.ops.OpFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One compile job: a single-op JSON file already written to disk, and where its models must go.
 *
 * @param file             the op file; its {@link OpFile#omFileNames()} are the names the compiler must produce
 * @param jsonFile         the JSON file on disk
 * @param outputDirectory  an empty private directory that must receive the {@code .om} files
 * @param workDirectory    an empty private directory for the compiler's side files (working directory)
 * @param socVersion       the {@code --soc_version}
 * @param timeout          how long the job may run; empty for no limit, as is one beyond what a clock counts
 *                         in nanoseconds (about 292 years; a shared call's limit is its jobs' together)
 * @param cancellation     raised when the job must stop at once
 * @param compileWorkers   how many compile workers the compiler may start for this job
 *                         ({@code TE_PARALLEL_COMPILER} for ATC), or 0 to leave it to the compiler
 */
public record CompileRequest(OpFile file, Path jsonFile, Path outputDirectory, Path workDirectory,
                             String socVersion, Optional<Duration> timeout, Cancellation cancellation,
                             int compileWorkers) {

    /** The longest time limit a compiler is given: waits count in nanoseconds in a long. */
    public static final Duration LONGEST_TIMEOUT = Duration.ofNanos(Long.MAX_VALUE);

    /** A request that leaves the number of compile workers to the compiler. */
    public CompileRequest(OpFile file, Path jsonFile, Path outputDirectory, Path workDirectory, String socVersion,
                          Optional<Duration> timeout, Cancellation cancellation) {
        this(file, jsonFile, outputDirectory, workDirectory, socVersion, timeout, cancellation, 0);
    }

    public CompileRequest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(jsonFile, "jsonFile");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(socVersion, "socVersion");
        Objects.requireNonNull(timeout, "timeout");
        timeout = timeout.filter(t -> t.compareTo(LONGEST_TIMEOUT) <= 0);
        Objects.requireNonNull(cancellation, "cancellation");
        if (compileWorkers < 0) {
            throw new IllegalArgumentException("compile workers must not be negative: " + compileWorkers);
        }
    }
}
