package io.ivfsp.generate;

import io.ivfsp.config.ModelSet;
import io.ivfsp.store.ModelFile;

import java.nio.file.Path;

/**
 * One generated {@code .om} file in its final place.
 *
 * @param set      the model set it belongs to
 * @param opType   the op it implements
 * @param opIndex  the op's position in its JSON file
 * @param jsonFile the single-op JSON file it was compiled from
 * @param path     the model file
 * @param size     its size in bytes
 * @param sha256   the SHA-256 of its content, lower-case hex (as recorded when it was compiled, if reused)
 * @param reused   whether it was reused from an earlier generation rather than compiled now
 */
public record ModelHandle(ModelSet set, String opType, int opIndex, Path jsonFile, Path path, long size,
                          String sha256, boolean reused) implements ModelFile {
}
