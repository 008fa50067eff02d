package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Failures to inject, for tests only, where the platform cannot produce them (a full disk, a
 * read-only directory when tests run as root, a crash between two steps). Not part of the API: the
 * test tree registers faults for an output root through the package-private {@link #inject}; every
 * store opened on that root then calls them before it writes, moves or deletes a file, and as it reads a
 * manifest (where a test can also play another process replacing it at that moment).
 */
@FunctionalInterface
interface StoreFaults {

    /** Injects nothing. */
    StoreFaults NONE = new StoreFaults() {   // (not a lambda: it would be linked on the warm path of every JVM)
        @Override
        public void beforeWrite(Path target) {
        }
    };

    /** Faults by output root (absolute, normalized); empty outside tests. */
    Map<Path, StoreFaults> BY_ROOT = new ConcurrentHashMap<>();

    /**
     * @param target the file about to be written, replaced, moved or deleted, or a job's staging directory
     *               about to be created
     * @throws IOException the failure to inject
     */
    void beforeWrite(Path target) throws IOException;

    /**
     * Called as a manifest is read, between the check of what is at its path and the read: may replace or
     * remove it, as another process would then, or fail as the read would.
     *
     * @param file the manifest about to be read
     * @throws IOException the failure to inject
     */
    default void whileReading(Path file) throws IOException {
    }

    /**
     * Makes every store opened on {@code root} until the returned handle is closed call {@code faults}.
     */
    static AutoCloseable inject(Path root, StoreFaults faults) {
        Path key = root.toAbsolutePath().normalize();
        BY_ROOT.put(key, faults);
        return () -> BY_ROOT.remove(key, faults);
    }

    /** The faults injected for {@code root}, {@link #NONE} outside tests. */
    static StoreFaults forRoot(Path root) {
        return BY_ROOT.isEmpty() ? NONE : BY_ROOT.getOrDefault(root.toAbsolutePath().normalize(), NONE);
    }
}
