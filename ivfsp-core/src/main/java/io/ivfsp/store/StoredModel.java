package io.ivfsp.store;

import java.nio.file.Path;

/**
 * A model file in its final place.
 *
 * @param path   where it is
 * @param size   its size in bytes
 * @param sha256 the SHA-256 of its content, lower-case hex
 */
public record StoredModel(Path path, long size, String sha256) implements ModelFile {
}
