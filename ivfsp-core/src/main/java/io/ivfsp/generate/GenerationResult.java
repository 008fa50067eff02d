package io.ivfsp.generate;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a generation produced.
 *
 * @param plans        what was planned: one plan, or several configurations generated together
 * @param root         the output root
 * @param compiler     the name of the compiler backend
 * @param simulated    whether the models are simulated (mock backend)
 * @param models       the models in place, in plan order (a model shared by several plans appears once per plan)
 * @param failures     the JSON files whose job failed, in plan order
 * @param skipped      the JSON files whose job was not started (fail-fast or cancellation), in plan order
 * @param elapsed      how long the generation took
 * @param compilerRuns how many times the compiler ran (identical files share one run; a batch is one run)
 */
public record GenerationResult(List<ModelPlan> plans, Path root, String compiler, boolean simulated,
                               List<ModelHandle> models, List<CompileFailure> failures, List<OpFile> skipped,
                               Duration elapsed, int compilerRuns) {

    public GenerationResult {
        plans = List.copyOf(plans);
        models = List.copyOf(models);
        failures = List.copyOf(failures);
        skipped = List.copyOf(skipped);
    }

    /** The first plan: the only one unless several configurations were generated together. */
    public ModelPlan plan() {
        return plans.get(0);
    }

    /** The JSON files of every plan, each once, in plan order. */
    public List<OpFile> files() {
        return plans.stream().flatMap(p -> p.files().stream()).distinct().toList();
    }

    /** How many models the plans yield. */
    public int modelCount() {
        return files().stream().mapToInt(f -> f.ops().size()).sum();
    }

    /** How many models were compiled by this generation. */
    public long compiledModels() {
        return models.stream().filter(m -> !m.reused()).count();
    }

    /** How many models were reused from an earlier generation (same cache key, intact). */
    public long reusedModels() {
        return models.stream().filter(ModelHandle::reused).count();
    }

    /** Whether every planned model is in place. */
    public boolean isSuccess() {
        return failures.isEmpty() && skipped.isEmpty();
    }

    /**
     * @return this result
     * @throws GenerationException describing every failure, if any job failed or was skipped
     */
    public GenerationResult requireSuccess() {
        if (!isSuccess()) {
            throw new GenerationException(this);
        }
        return this;
    }
}
