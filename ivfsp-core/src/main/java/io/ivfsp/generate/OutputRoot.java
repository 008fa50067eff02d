package io.ivfsp.generate;

import io.ivfsp.compile.FileNameEncoding;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a generator does in its output root outside a run: before one starts, check that the plans go
 * together and the root's name is usable, and write the JSON files; and prune.
 */
final class OutputRoot {

    private OutputRoot() {
    }

    /** Checks the plans and the root, writes the JSON files, and starts the run. */
    static GenerationFuture start(GenerationSettings settings, List<ModelPlan> plans) {
        if (plans.isEmpty()) {
            throw new IllegalArgumentException("at least one plan is needed");
        }
        checkCompatible(plans);
        refuseUnrepresentableRoot(settings.outputRoot());
        ModelStore store = ModelStore.open(settings.outputRoot());
        Map<OpFile, Path> jsonFiles = new HashMap<>();
        try {
            for (ModelPlan plan : plans) {
                store.prepare(plan);
                for (OpFile f : plan.files()) {
                    if (!jsonFiles.containsKey(f)) {
                        try {
                            jsonFiles.put(f, store.writeJson(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException("cannot write " + store.jsonPath(f) + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return new GenerationRun(settings, plans, store, jsonFiles).start();
    }

    /** A root whose name the locale cannot encode would lead the JVM and ATC to another directory. */
    private static void refuseUnrepresentableRoot(Path root) {
        Optional<String> why = FileNameEncoding.problem(root);
        if (why.isPresent()) {
            throw new OutputRefusedException(root, why.get());
        }
    }

    private static void checkCompatible(List<ModelPlan> plans) {
        Map<String, OpFile> byName = new HashMap<>();
        String soc = plans.get(0).config().socVersion();
        for (ModelPlan plan : plans) {
            if (!plan.config().socVersion().equals(soc)) {
                throw new IllegalArgumentException("plans for different SoCs cannot be generated together: "
                        + soc + " and " + plan.config().socVersion());
            }
            for (OpFile f : plan.files()) {
                OpFile other = byName.putIfAbsent(f.fileName(), f);
                if (other != null && !other.equals(f)) {
                    throw new IllegalArgumentException("two configurations give " + f.fileName()
                            + " different contents; give each configuration its own -p (processId)");
                }
            }
        }
    }

    /** @see ModelGenerator#prune(ModelPlan...) */
    static List<Path> prune(Path root, ModelPlan... plans) {
        List<OpFile> keep = new ArrayList<>();
        for (ModelPlan p : plans) {
            keep.addAll(p.files());
        }
        refuseUnrepresentableRoot(root);
        try (ModelStore store = ModelStore.open(root)) {
            return store.prune(keep);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prune " + root + ": " + e.getMessage(), e);
        }
    }
}
