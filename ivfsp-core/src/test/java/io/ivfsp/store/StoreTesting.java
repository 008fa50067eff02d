package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
}
