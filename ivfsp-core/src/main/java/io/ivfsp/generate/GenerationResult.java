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
 * @param plan      what was planned
 * @param root      the output root
 * @param compiler  the name of the compiler backend
 * @param simulated whether the models are simulated (mock backend)
 * @param models    the models in place, in plan order
 * @param failures  the jobs that failed, in plan order
 * @param skipped   the jobs not started (fail-fast or cancellation), in plan order
 * @param elapsed   how long the generation took
 */
public record GenerationResult(ModelPlan plan, Path root, String compiler, boolean simulated,
                               List<ModelHandle> models, List<CompileFailure> failures, List<OpFile> skipped,
                               Duration elapsed) {

    public GenerationResult {
        models = List.copyOf(models);
        failures = List.copyOf(failures);
        skipped = List.copyOf(skipped);
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
