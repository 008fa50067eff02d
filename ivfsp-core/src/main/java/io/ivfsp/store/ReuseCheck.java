package io.ivfsp.store;

import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Whether the models a manifest records for a JSON file are in place and intact, so that ATC need not run. */
final class ReuseCheck {

    private ReuseCheck() {
    }

    /** Receives the stat of a model found intact by hash, to be recorded for the next run. */
    interface Observer {
        void verified(Path dir, Manifest.Model model, ModelStat stat);
    }

    /**
     * The models of {@code file} in {@code dir}, if the manifest records this key for them (for this file,
     * else for another file of the same content) and each is a regular file intact at {@code level}: at
     * {@link Verification#STAT}, one whose recorded stat still vouches for it (see {@link ModelStat}) is
     * trusted, any other is read and its SHA-256 compared; at {@link Verification#HASH} every one is read.
     * A model found intact by hash whose stat is not racy is handed to {@code observer}.
     */
    static Optional<List<StoredModel>> reusable(Manifest manifest, Path dir, OpFile file, String key, Verification level,
                                                Observer observer) {
        return reusable(manifest, dir, file, key, level, observer, false);
    }

    /**
     * As {@link #reusable(Manifest, Path, OpFile, String, Verification, Observer)} at {@link Verification#STAT}
     * but without reading anything: empty unless every model's recorded stat vouches for it.
     */
    static Optional<List<StoredModel>> trusted(Manifest manifest, Path dir, OpFile file, String key) {
        return reusable(manifest, dir, file, key, Verification.STAT, null, true);
    }

    private static List<String> namesOf(Manifest.Entry entry) {
        List<String> names = new ArrayList<>();
        for (Manifest.Model m : entry.models()) {
            names.add(m.name());
        }
        return names;
    }

    private static Optional<List<StoredModel>> reusable(Manifest manifest, Path dir, OpFile file, String key,
                                                        Verification level, Observer observer, boolean statOnly) {
        List<String> expected = file.omFileNames();
        // Plain loops, no lambdas or streams: this runs on the warm path of a fresh JVM.
        Manifest.Entry entry = manifest.entry(file.fileName()).orElse(null);
        if (entry == null || !entry.key().equals(key)) {
            entry = null;
            for (Manifest.Entry e : manifest.entries().values()) {
                if (e.key().equals(key)) {
                    entry = e;
                    break;
                }
            }
        }
        if (entry == null || !namesOf(entry).equals(expected)) {
            return Optional.empty();
        }
        List<StoredModel> stored = new ArrayList<>();
        for (Manifest.Model m : entry.models()) {
            Path p = dir.resolve(m.name());
            try {
                if (!intact(manifest, p, m, level, statOnly ? null : observer)) {
                    return Optional.empty();
                }
            } catch (IOException e) {
                return Optional.empty();
            }
            stored.add(new StoredModel(p, m.size(), m.sha256()));
        }
        return Optional.of(stored);
    }

    /** Whether the model is intact; with no observer, only a model its recorded stat vouches for is. */
    private static boolean intact(Manifest manifest, Path p, Manifest.Model m, Verification level,
                                  Observer observer) throws IOException {
        // The stat is taken before the content is read: a change while reading shows in the second stat.
        Optional<ModelStat> before = ModelStat.of(p);
        if (before.isEmpty() || before.get().size() != m.size()) {
            return false;
        }
        ModelStat recorded = manifest.stats().get(m.name());
        if (level == Verification.STAT && recorded != null && recorded.vouchesFor(before.get())) {
            return true;
        }
        if (observer == null) {
            return false;
        }
        if (!Sha256.of(p).equals(m.sha256())) {
            return false;
        }
        Optional<ModelStat> after = ModelStat.of(p);
        // Worth recording only when it could vouch next time: not changed while read, and not racy itself.
        if (after.isPresent() && after.get().sameFileAs(before.get()) && before.get().vouchesFor(before.get())
                && (recorded == null || !recorded.vouchesFor(before.get()))) {
            observer.verified(p.getParent(), m, before.get());
        }
        return true;
    }
}
