package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Directories of the store, created once (never through a link); on every later use only one
 * {@code lstat} checks that no link or other object has been put in their place since.
 */
final class KnownDirectories {

    private final Set<Path> known = ConcurrentHashMap.newKeySet();

    /** {@code dir}, created if absent; refuses anything but a real directory there. */
    Path ensure(Path dir) throws IOException {
        if (known.contains(dir)) {
            StoreLayout.checkDirectory(dir, "a directory of the store");
        } else {
            StoreLayout.createDirectory(dir);
            known.add(dir);
        }
        return dir;
    }
}
