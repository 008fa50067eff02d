package io.ivfsp.files;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Something other than a regular file (a symbolic link, a directory, a FIFO, a socket, a device)
 * where a regular file belongs. Nothing was opened there.
 */
public final class NotARegularFileException extends IOException {

    private final transient Path path;
    private final String kind;

    /**
     * @param path where the regular file was expected
     * @param kind what was found there, e.g. "a symbolic link"
     */
    public NotARegularFileException(Path path, String kind) {
        super(path + " is " + kind + ", not a regular file");
        this.path = path;
        this.kind = kind;
    }

    /** Where the regular file was expected. */
    public Path path() {
        return path;
    }

    /** What was found there, e.g. "a symbolic link". */
    public String kind() {
        return kind;
    }
}
