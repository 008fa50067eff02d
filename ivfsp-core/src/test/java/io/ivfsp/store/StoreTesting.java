package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** What the store tests plant where the store's files go. */
final class StoreTesting {

    private StoreTesting() {
    }

    /** Creates a FIFO (named pipe) at {@code path}: opening it for reading blocks until a writer comes. */
    static Path mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (!p.waitFor(1, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IOException("mkfifo " + path + " failed");
        }
        return path;
    }

    /** What this JVM's open descriptors name (Linux: /proc/self/fd); a deleted file's name ends " (deleted)". */
    static List<String> openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.map(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString();
                } catch (IOException e) {
                    return "";  // the descriptor of this listing, closed meanwhile
                }
            }).toList();
        }
    }
}
