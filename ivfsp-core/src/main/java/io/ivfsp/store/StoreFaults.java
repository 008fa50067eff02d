package io.ivfsp.store;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Called before the store writes or moves a file into a place users read (a JSON file, a model, a
 * manifest), to inject failures the platform cannot produce in a test (a full disk, a read-only
 * directory when tests run as root). Production code uses {@link #NONE}.
 */
@FunctionalInterface
public interface StoreFaults {

    /** Injects nothing. */
    StoreFaults NONE = target -> { };

    /**
     * @param target the file about to be written or replaced
     * @throws IOException the failure to inject
     */
    void beforeWrite(Path target) throws IOException;
}
