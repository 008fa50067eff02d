package io.ivfsp.store;

import io.ivfsp.config.ModelSet;
import io.ivfsp.files.RegularFiles;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the models the store placed that no kept JSON file needs. Only a regular file directly in
 * the directory, under a name the catalog gives, with the size and SHA-256 the store recorded when it
 * placed it, is removed; a link, anything else, or a file changed since is reported and left alone.
 * The manifest is written first, without them: a crash in between leaves untracked files, never
 * tracked ones that are missing. Each is then checked again and removed under the manifest's lock,
 * unless a generator has placed it again since: a generator records a model as placed, under that lock,
 * before it moves it into place, so prune never removes a model that is being published.
 */
final class Pruner {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(Pruner.class);
    }

    private final Path root;
    private final ManifestStore manifests;
    private final StagingArea staging;
    private final StoreFaults faults;

    Pruner(Path root, ManifestStore manifests, StagingArea staging, StoreFaults faults) {
        this.root = root;
        this.manifests = manifests;
        this.staging = staging;
        this.faults = faults;
    }

    List<Path> prune(Collection<OpFile> keep) throws IOException {
        List<Path> removed = new ArrayList<>();
        Set<String> seenDirs = new HashSet<>();
        for (ModelSet set : EnumSet.allOf(ModelSet.class)) {
            if (!seenDirs.add(set.outputDirectory())) {
                continue;
            }
            Path dir = root.resolve(set.outputDirectory());
            StoreLayout.checkDirectory(dir, "an output directory");
            StoreLayout.checkFile(dir.resolve(Manifest.FILE_NAME), "the store's manifest");
            if (RegularFiles.lstat(dir.resolve(Manifest.FILE_NAME)).isEmpty()) {
                continue;
            }
            List<OpFile> kept = keep.stream().filter(f -> f.outputDirectory().equals(set.outputDirectory())).toList();
            Map<Path, Manifest.Model> doomed = new LinkedHashMap<>();
            manifests.update(dir, m -> select(dir, m, kept, doomed));
            if (!doomed.isEmpty()) {
                manifests.update(dir, m -> {
                    doomed.forEach((p, model) -> remove(m, p, model).ifPresent(removed::add));
                    return m;
                });
            }
        }
        return removed;
    }

    /** The manifest without what is not kept; the models to remove go to {@code doomed}. */
    private Manifest select(Path dir, Manifest m, List<OpFile> kept, Map<Path, Manifest.Model> doomed) {
        Set<String> keptJson = new HashSet<>();
        Set<String> needed = new HashSet<>();
        for (OpFile f : kept) {
            keptJson.add(f.fileName());
            needed.addAll(f.omFileNames());  // a model the plan would produce stays, recorded or not
            m.entry(f.fileName()).ifPresent(e -> e.models().forEach(x -> needed.add(x.name())));
        }
        Manifest result = m;
        for (String json : m.entries().keySet()) {
            if (!keptJson.contains(json)) {
                result = result.without(json);
            }
        }
        for (Manifest.Model model : m.placed().values()) {
            if (needed.contains(model.name())) {
                continue;
            }
            Path p = dir.resolve(model.name());  // a catalog name: never a separator, '.' or '..'
            if (isUnchanged(p, model)) {
                doomed.put(p, model);
            }
            result = result.forget(model.name());
        }
        return result;
    }

    private boolean isUnchanged(Path p, Manifest.Model model) {
        try {
            Optional<BasicFileAttributes> a = RegularFiles.lstat(p);
            if (a.isEmpty()) {
                return false;  // already gone
            }
            if (!a.get().isRegularFile()) {
                Log.log.warn("not pruning {}: it is {}, not the model the store placed; left alone", p,
                        RegularFiles.kind(a.get()));
                return false;
            }
            if (a.get().size() == model.size() && Sha256.of(p).equals(model.sha256())) {
                return true;
            }
            Log.log.warn("not pruning {}: it changed since the store placed it; left alone and no longer tracked", p);
        } catch (IOException e) {
            Log.log.warn("not pruning {}: {}", p, e.toString());
        }
        return false;
    }

    /** Removes {@code p} if, in {@code current} (read under the manifest's lock), nobody placed it again. */
    private Optional<Path> remove(Manifest current, Path p, Manifest.Model model) {
        if (current.placed().containsKey(model.name())) {
            Log.log.info("not pruning {}: another generator placed it again since this prune began", p);
            return Optional.empty();
        }
        try {
            // Checked again: it may have been replaced since the manifest was written.
            if (!isUnchanged(p, model)) {
                return Optional.empty();
            }
            faults.beforeWrite(p);
            // Moved aside and checked there: what is deleted is exactly what was checked, even if a process
            // that takes no lock of the store replaced the file just now.
            Path aside = staging.temporaryFor(p);
            Files.move(p, aside, StandardCopyOption.ATOMIC_MOVE);
            if (Files.size(aside) == model.size() && Sha256.of(aside).equals(model.sha256())) {
                Files.delete(aside);
                return Optional.of(p);
            }
            putBack(aside, p);
            return Optional.empty();
        } catch (IOException e) {
            Log.log.warn("could not prune {}: {}", p, e.toString());
            return Optional.empty();
        }
    }

    /** Puts a file moved aside by mistake back in its place, unless something newer is there now. */
    private static void putBack(Path aside, Path p) throws IOException {
        try {
            Files.createLink(p, aside);
            Log.log.warn("not pruning {}: it was replaced while it was being removed; left in place", p);
        } catch (FileAlreadyExistsException e) {
            Log.log.warn("not pruning {}: it was replaced twice while it was being removed; the newest is left", p);
        } finally {
            Files.deleteIfExists(aside);
        }
    }
}
