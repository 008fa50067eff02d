package io.ivfsp.store;

import io.ivfsp.files.RegularFiles;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the store writes in a directory's manifest about a compiled job: one entry (key, models,
 * compile time) under each of its JSON file names, and the stats of the models just placed, so that a
 * later run can reuse them without recompiling.
 */
final class Recording {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(Recording.class);
    }

    private Recording() {
    }

    /**
     * Records one compiled content for {@code files}, which all have their models in {@code dir}, in
     * one update of its manifest, under the manifest's lock, atomically.
     *
     * @throws IOException if the manifest cannot be written
     */
    static void record(ManifestStore manifests, Path dir, List<OpFile> files, String key, List<StoredModel> models,
                       Duration compileTime, Optional<SharedCall> sharedCall) throws IOException {
        List<Manifest.Model> ms = models.stream()
                .map(m -> new Manifest.Model(m.path().getFileName().toString(), m.size(), m.sha256())).toList();
        Manifest.Entry entry = new Manifest.Entry(key, ms, compileTime.toNanos() / 1e9, sharedCall);
        // The stats of models just placed: racy (just changed), so the next run reads them once, then trusts them.
        Map<String, ModelStat> stats = new TreeMap<>();
        Map<String, String> sha256s = new TreeMap<>();
        for (StoredModel m : models) {
            String name = m.path().getFileName().toString();
            ModelStat.of(m.path()).ifPresent(s -> stats.put(name, s));
            sha256s.put(name, m.sha256());
        }
        manifests.update(dir, m -> {
            // Under the lock prune removes models under: one it removed since they were placed is seen missing.
            for (StoredModel model : models) {
                if (!isInPlace(model)) {
                    Log.log.warn("not recording {} in {}: its model {} was removed by another process (a prune) since"
                            + " it was placed; it is compiled again when next needed", files.get(0).fileName(),
                            dir.resolve(Manifest.FILE_NAME), model.path().getFileName());
                    return m;
                }
            }
            Manifest updated = m;
            for (OpFile f : files) {
                updated = updated.with(f.fileName(), entry);
            }
            return updated.withStats(stats, sha256s);
        });
    }

    /** Whether a regular file of the model's size is at its path: an entry must never name a missing model. */
    private static boolean isInPlace(StoredModel model) {
        try {
            Optional<BasicFileAttributes> a = RegularFiles.lstat(model.path());
            return a.isPresent() && a.get().isRegularFile() && a.get().size() == model.size();
        } catch (IOException e) {
            return false;
        }
    }
}
