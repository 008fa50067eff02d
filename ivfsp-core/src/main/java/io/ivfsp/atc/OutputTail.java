package io.ivfsp.atc;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;

import io.ivfsp.compile.CompileFailure;

/**
 * Keeps the last lines of a process's output, bounded in lines and characters, and the first ATC
 * error code seen anywhere in it (the error block may scroll out of the tail).
 */
final class OutputTail {

    private final int maxLines;
    private final int maxLineLength;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private String errorCode;

    OutputTail(int maxLines, int maxLineLength) {
        this.maxLines = maxLines;
        this.maxLineLength = maxLineLength;
    }

    /** Reads {@code in} to its end. */
    void drain(InputStream in) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                add(line);
            }
        } catch (IOException e) {
            // The stream closes when the process is killed; what was read so far is kept.
        }
    }

    synchronized void add(String line) {
        if (errorCode == null) {
            errorCode = CompileFailure.findErrorCode(line).orElse(null);
        }
        if (line.length() > maxLineLength) {
            line = line.substring(0, maxLineLength) + " [...]";
        }
        lines.addLast(line);
        if (lines.size() > maxLines) {
            lines.removeFirst();
        }
    }

    synchronized String text() {
        return String.join(System.lineSeparator(), lines);
    }

    synchronized Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
