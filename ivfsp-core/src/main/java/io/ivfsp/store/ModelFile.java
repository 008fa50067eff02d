package io.ivfsp.store;

import java.nio.file.Path;

/** A model file in its final place, as the store and the layers above know it. */
public interface ModelFile {

    /** Where it is. */
    Path path();

    /** Its size in bytes. */
    long size();

    /** The SHA-256 of its content, lower-case hex. */
    String sha256();
}
