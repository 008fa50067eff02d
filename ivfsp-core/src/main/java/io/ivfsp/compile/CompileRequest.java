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
 * @param timeout          how long the job may run; empty for no limit
 * @param cancellation     raised when the job must stop at once
 */
public record CompileRequest(OpFile file, Path jsonFile, Path outputDirectory, Path workDirectory,
                             String socVersion, Optional<Duration> timeout, Cancellation cancellation) {

    public CompileRequest {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(jsonFile, "jsonFile");
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        Objects.requireNonNull(workDirectory, "workDirectory");
        Objects.requireNonNull(socVersion, "socVersion");
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(cancellation, "cancellation");
    }
}
