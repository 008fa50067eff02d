package io.ivfsp.nativeacl;

import io.ivfsp.compile.CompileFailure;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What in-process ATC printed to the job's output file, read back within bounds. */
final class CompilerOutput {

    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 64 * 1024;
    private static final int SCAN_BYTES = 1024 * 1024;

    private CompilerOutput() {
    }

    /** The last lines of the compiler's output (bounded). */
    static String tail(Path output) {
        try {
            long size = Files.size(output);
            byte[] bytes;
            try (SeekableByteChannel ch = Files.newByteChannel(output)) {
                long from = Math.max(0, size - TAIL_BYTES);
                ch.position(from);
                bytes = readAll(ch, (int) Math.min(TAIL_BYTES, size));
            }
            List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
            if (size > TAIL_BYTES && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first line is cut
            }
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(the compiler's output in " + output + " cannot be read: " + e.getMessage() + ")";
        }
    }

    /** The first ATC error code in the compiler's output (its first megabyte). */
    static Optional<String> errorCode(Path output) {
        try (InputStream in = Files.newInputStream(output)) {
            return CompileFailure.findErrorCode(new String(in.readNBytes(SCAN_BYTES), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static byte[] readAll(SeekableByteChannel ch, int n) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(n);
        while (buf.hasRemaining() && ch.read(buf) > 0) {
            // keep reading
        }
        return Arrays.copyOf(buf.array(), buf.position());
    }
}
