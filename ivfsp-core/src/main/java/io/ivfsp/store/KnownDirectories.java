package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Directories of the store created (never through a link) or checked once, not again on every job. */
final class KnownDirectories {

    private final Set<Path> known = ConcurrentHashMap.newKeySet();

    /** {@code dir}, created if absent; refuses anything but a real directory there. */
    Path ensure(Path dir) throws IOException {
        if (!known.contains(dir)) {
            StoreLayout.createDirectory(dir);
            known.add(dir);
        }
        return dir;
    }
}
