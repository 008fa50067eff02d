package io.ivfsp.testing;

import io.ivfsp.files.Sha256;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.store.ModelStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What the tests of nodes sharing a registry compare: the models under a root, and a plan's jobs. */
public final class ModelTrees {

    private ModelTrees() {
    }

    /** Every {@code .om} under {@code root} (relative path to SHA-256); empty when there is no root. */
    public static Map<String, String> digests(Path root) throws IOException {
        if (!Files.exists(root)) {
            return Map.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".om")).collect(Collectors.toMap(
                    p -> root.relativize(p).toString(), p -> {
                        try {
                            return Sha256.of(p);
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    }));
        }
    }

    /** The distinct jobs of a plan: model contents per output directory, each compiled once. */
    public static long distinctJobs(ModelPlan plan) {
        return plan.files().stream().map(f -> f.outputDirectory() + "/" + new String(f.jsonBytes(), StandardCharsets.UTF_8))
                .distinct().count();
    }
}
