package io.ivfsp.store;

import java.nio.file.Path;

/** An output location the store will not write to (a symbolic link, or not a directory); nothing was changed there. */
public final class OutputRefusedException extends IllegalStateException {

    private final transient Path path;

    /**
     * @param path   the refused location
     * @param reason why, in words a person can act on
     */
    public OutputRefusedException(Path path, String reason) {
        super("refusing to write " + path + ": " + reason);
        this.path = path;
    }

    /** The refused location. */
    public Path path() {
        return path;
    }
}
