package io.ivfsp.compile;

import io.ivfsp.ops.OpFile;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Why one compile job produced no usable models: the op file and its ops, the command, the exit
 * status, ATC's error code and the tail of its output.
 *
 * @param file       the op file
 * @param kind       what went wrong
 * @param detail     a sentence saying what went wrong
 * @param command    the command that ran (empty for in-process compilers)
 * @param exitStatus the exit status, when a process exited
 * @param errorCode  the first ATC error code printed ({@code E10025}, {@code EZ9999}, ...), if any
 * @param outputTail the end of what the compiler printed (bounded)
 * @param elapsed    how long the job ran
 */
public record CompileFailure(OpFile file, Kind kind, String detail, List<String> command, OptionalInt exitStatus,
                             Optional<String> errorCode, String outputTail, Duration elapsed)
        implements CompileOutcome {

    /** ATC error codes stand at the start of a line: {@code E10025: ...}, {@code EZ9999: ...}. */
    private static final Pattern ERROR_CODE = Pattern.compile("(?m)^\\s*\\[?(E[0-9A-Z]\\d{4})\\]?\\s*:");

    /** The kinds of failure. */
    public enum Kind {
        /** The compiler exited with a non-zero status. */
        EXIT_STATUS,
        /** The compiler reported success but an expected {@code .om} is missing or empty. */
        MISSING_MODEL,
        /** The job ran longer than its timeout and was killed. */
        TIMEOUT,
        /** The job was cancelled and killed. */
        CANCELLED,
        /** The compiler could not be started. */
        LAUNCH,
        /** The models were produced but could not be moved into place. */
        PUBLISH,
        /** A failure the backend reports in its own words (in-process and mock compilers). */
        BACKEND
    }

    public CompileFailure {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        command = List.copyOf(command);
        Objects.requireNonNull(exitStatus, "exitStatus");
        Objects.requireNonNull(errorCode, "errorCode");
        Objects.requireNonNull(outputTail, "outputTail");
        Objects.requireNonNull(elapsed, "elapsed");
    }

    /** The first ATC error code in {@code output}, if any. */
    public static Optional<String> findErrorCode(String output) {
        Matcher m = ERROR_CODE.matcher(output);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The same failure, reported for another file its job served (an identical file, or a batch member). */
    public CompileFailure withFile(OpFile other) {
        return new CompileFailure(other, kind, detail, command, exitStatus, errorCode, outputTail, elapsed);
    }

    /** The op types of the file. */
    public List<String> ops() {
        return file.opTypes();
    }

    /** Several lines a person can act on: what failed, how, the command and the output tail. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append(file.fileName()).append(" (").append(String.join(", ", ops().stream().distinct().toList()))
                .append("): ").append(detail);
        exitStatus.ifPresent(s -> sb.append("; exit status ").append(s));
        errorCode.ifPresent(c -> sb.append("; ATC error ").append(c));
        if (!command.isEmpty()) {
            sb.append(System.lineSeparator()).append("  command: ").append(String.join(" ", command));
        }
        if (!outputTail.isBlank()) {
            sb.append(System.lineSeparator()).append("  output (tail):");
            outputTail.lines().forEach(l -> sb.append(System.lineSeparator()).append("    ").append(l));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /** A duration as people read it in a message: {@code 2 s}, {@code 0.02 s}, {@code 1 min 30 s}. */
    public static String seconds(Duration d) {
        long millis = d.toMillis();
        if (millis >= 60_000) {
            long s = millis / 1000;
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + " s";
    }
}
