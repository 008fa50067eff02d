package io.ivfsp.compile;

import io.ivfsp.ops.OpFile;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/** What a compiler reports for one job: {@link Compiled} or a {@link CompileFailure}. */
public sealed interface CompileOutcome permits CompileOutcome.Compiled, CompileFailure {

    /** The op file the job compiled. */
    OpFile file();

    /** How long the job took. */
    Duration elapsed();

    /**
     * The compiler finished without reporting an error. The caller still checks that every expected
     * {@code .om} exists and is not empty: ATC reports only the last op's status.
     *
     * @param file       the op file
     * @param command    the command that ran (empty for in-process compilers)
     * @param outputTail the end of what the compiler printed
     * @param elapsed    how long it took
     */
    record Compiled(OpFile file, List<String> command, String outputTail, Duration elapsed) implements CompileOutcome {
        public Compiled {
            Objects.requireNonNull(file, "file");
            command = List.copyOf(command);
            Objects.requireNonNull(outputTail, "outputTail");
            Objects.requireNonNull(elapsed, "elapsed");
        }
    }
}
