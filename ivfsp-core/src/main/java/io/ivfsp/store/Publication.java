package io.ivfsp.store;

import io.ivfsp.files.RegularFiles;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Installation of a job's models: from its staging output into their directory, each checked to be a
 * regular file the compiler wrote (not a link it left), hashed, and moved into place atomically.
 */
final class Publication {

    private Publication() {
    }

    /** The expected models missing from the staging output, empty, or not regular files. */
    static List<String> missingModels(OpFile file, ModelStore.Staging staging) {
        List<String> missing = new ArrayList<>();
        for (String om : file.omFileNames()) {
            try {
                Optional<BasicFileAttributes> a = RegularFiles.lstat(staging.out().resolve(om));
                if (a.isEmpty() || !a.get().isRegularFile() || a.get().size() == 0) {
                    missing.add(om);
                }
            } catch (IOException e) {
                missing.add(om);
            }
        }
        return missing;
    }

    /** Moves the models into {@code dir} (a checked directory of the store), in op order. */
    static List<StoredModel> publish(OpFile file, ModelStore.Staging staging, Path dir, StoreFaults faults) throws IOException {
        List<StoredModel> stored = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path src = staging.out().resolve(om);
            Path target = dir.resolve(om);
            StoreLayout.checkFile(target, "an output file");
            long size = RegularFiles.requireRegular(src).size();
            String sha = Sha256.of(src);
            try {
                faults.beforeWrite(target);
            } catch (IOException e) {
                throw AtomicFiles.failure("move into place", target, e);
            }
            AtomicFiles.move(src, target);
            stored.add(new StoredModel(target, size, sha));
        }
        return stored;
    }
}
