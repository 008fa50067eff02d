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

/** Whether the models a manifest records for a JSON file are in place and intact, so that ATC need not run. */
final class ReuseCheck {

    private ReuseCheck() {
    }

    /**
     * The models of {@code file} in {@code dir}, if the manifest records this key for them (for this file,
     * else for another file of the same content) and each is a regular file intact at {@code level}.
     */
    static Optional<List<StoredModel>> reusable(Manifest manifest, Path dir, OpFile file, String key, Verification level) {
        List<String> expected = file.omFileNames();
        Optional<Manifest.Entry> entry = manifest.entry(file.fileName()).filter(e -> e.key().equals(key))
                .or(() -> manifest.entries().values().stream().filter(e -> e.key().equals(key)).findFirst())
                .filter(e -> e.models().stream().map(Manifest.Model::name).toList().equals(expected));
        if (entry.isEmpty()) {
            return Optional.empty();
        }
        List<StoredModel> stored = new ArrayList<>();
        for (Manifest.Model m : entry.get().models()) {
            Path p = dir.resolve(m.name());
            try {
                Optional<BasicFileAttributes> a = RegularFiles.lstat(p);
                if (a.isEmpty() || !a.get().isRegularFile() || a.get().size() != m.size()) {
                    return Optional.empty();
                }
                if (level == Verification.HASH && !Sha256.of(p).equals(m.sha256())) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            stored.add(new StoredModel(p, m.size(), m.sha256()));
        }
        return Optional.of(stored);
    }
}
