package io.ivfsp.files;

import java.io.IOException;
import java.nio.file.Path;

/** A file larger than its reader allows; only its size was read. */
public final class FileTooLargeException extends IOException {

    private final transient Path path;

    /**
     * @param path     the file
     * @param size     its size, or how much was read before giving up
     * @param maxBytes the most the reader accepts
     */
    public FileTooLargeException(Path path, long size, long maxBytes) {
        super(path + " holds " + size + " bytes, more than the " + maxBytes + " allowed");
        this.path = path;
    }

    /** The file. */
    public Path path() {
        return path;
    }
}
