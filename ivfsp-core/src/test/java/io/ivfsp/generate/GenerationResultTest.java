package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** The figures a result gives about the plans it answers, and the message of a failed generation. */
class GenerationResultTest {

    private final Path root = Path.of("/out");
    private final ModelPlan first = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
    /** Shares every AICPU file with {@code first} and adds the training ones. */
    private final ModelPlan second = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);

    private static ModelHandle handle(boolean reused) {
        return new ModelHandle(ModelSet.AICPU, "Op", 0, Path.of("/out/config/a.json"), Path.of("/out/a.om"), 1, "00",
                reused);
    }

    private static CompileFailure failure(OpFile f) {
        return new CompileFailure(f, CompileFailure.Kind.EXIT_STATUS, "simulated", List.of(), OptionalInt.of(1),
                Optional.of("E10027"), "", Duration.ZERO);
    }

    private GenerationResult result(List<ModelHandle> models, List<CompileFailure> failures, List<OpFile> skipped) {
        return new GenerationResult(List.of(first, second), root, "mock", true, models, failures, skipped,
                Duration.ZERO, 0);
    }

    @Test
    void filesAreEveryPlansFilesEachOnceInPlanOrder() {
        GenerationResult r = result(List.of(), List.of(), List.of());

        assertThat(r.files()).containsExactlyElementsOf(second.files());
        assertThat(r.plan()).isSameAs(first);
        assertThat(r.modelCount()).isEqualTo(second.modelCount())
                .isEqualTo(second.files().stream().mapToInt(f -> f.ops().size()).sum());
    }

    @Test
    void compiledAndReusedModelsAreCountedApart() {
        GenerationResult r = result(List.of(handle(true), handle(false), handle(false)), List.of(), List.of());

        assertThat(r.compiledModels()).isEqualTo(2);
        assertThat(r.reusedModels()).isEqualTo(1);
    }

    @Test
    void theExceptionCountsTheFailedAndTheNotStartedFilesAndDescribesEachFailure() {
        OpFile failed = second.files().get(0);
        GenerationResult r = result(List.of(), List.of(failure(failed)), second.files().subList(1, 3));

        GenerationException e = new GenerationException(r);

        assertThat(e.result()).isSameAs(r);
        assertThat(e.getMessage()).startsWith("1 of " + second.files().size() + " JSON files failed to compile, 2 not started"
                + System.lineSeparator() + failure(failed).describe());
    }

    @Test
    void theExceptionSaysNothingOfSkippedFilesWhenNoneWasSkipped() {
        GenerationResult r = result(List.of(), List.of(failure(second.files().get(0)), failure(second.files().get(1))),
                List.of());

        assertThat(new GenerationException(r).getMessage())
                .startsWith("2 of " + second.files().size() + " JSON files failed to compile" + System.lineSeparator())
                .doesNotContain("not started");
    }
}
