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

    /**
     * Moves the models into {@code dir} (a checked directory of the store), in op order, after
     * recording them in its manifest as placed: a crash between the moves and the job's record leaves
     * models that a later prune still knows as the store's.
     */
    static List<StoredModel> publish(OpFile file, ModelStore.Staging staging, Path dir, ManifestStore manifests,
                                     StoreFaults faults) throws IOException {
        List<StoredModel> stored = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path src = staging.out().resolve(om);
            Path target = dir.resolve(om);
            StoreLayout.checkFile(target, "an output file");
            long size = RegularFiles.requireRegular(src).size();
            stored.add(new StoredModel(target, size, Sha256.of(src)));
        }
        manifests.update(dir, m -> m.placing(stored.stream()
                .map(x -> new Manifest.Model(x.path().getFileName().toString(), x.size(), x.sha256())).toList()));
        for (StoredModel model : stored) {
            Path src = staging.out().resolve(model.path().getFileName());
            Path target = model.path();
            try {
                faults.beforeWrite(target);
            } catch (IOException e) {
                throw AtomicFiles.failure("move into place", target, e);
            }
            AtomicFiles.move(src, target);
        }
        return stored;
    }
}
