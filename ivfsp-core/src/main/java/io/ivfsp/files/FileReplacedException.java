package io.ivfsp.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The file at a path was replaced (another file renamed over it) between the check of its type and
 * its opening, so what was opened is not what was checked. Nothing was read. A file that writers only
 * ever replace whole, by a rename, can simply be read again.
 */
public final class FileReplacedException extends IOException {

    /** @param path the path whose file changed while it was being opened */
    public FileReplacedException(Path path) {
        super(path + " was replaced while it was being opened");
    }
}
