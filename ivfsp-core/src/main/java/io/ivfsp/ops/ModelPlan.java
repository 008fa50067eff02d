package io.ivfsp.ops;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What to generate for a configuration: the single-op JSON files of the chosen model sets, in
 * reference order (service, then AICPU, then training). File names are unique within a plan.
 *
 * @param config the validated configuration
 * @param sets   the model sets planned
 * @param files  the JSON files
 */
public record ModelPlan(IvfspConfig config, Set<ModelSet> sets, List<OpFile> files) {

    public ModelPlan {
        Objects.requireNonNull(config, "config");
        sets = Set.copyOf(sets);
        files = List.copyOf(files);
    }

    /** The files of one set. */
    public List<OpFile> files(ModelSet set) {
        return files.stream().filter(f -> f.set() == set).toList();
    }

    /** How many {@code .om} files the plan yields. */
    public int modelCount() {
        return files.stream().mapToInt(f -> f.ops().size()).sum();
    }
}
