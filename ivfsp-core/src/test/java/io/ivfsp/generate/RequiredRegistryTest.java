package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteSettings;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose required shared registry does not answer: it stops at the first job that needs it. */
class RequiredRegistryTest {

    @TempDir
    Path dir;

    @Test
    void theFirstJobFailsNamingTheRegistryAndNoOtherJobStarts() {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);
        List<String> warnings = new CopyOnWriteArrayList<>();
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).required(true).build();
        MockOpCompiler mock = MockOpCompiler.create();
        long before = System.nanoTime();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(dir.resolve("out")).parallelism(1)
                .scheduling(Scheduling.PLAN_ORDER).remote(down).build().generate(plan);
        java.time.Duration around = java.time.Duration.ofNanos(System.nanoTime() - before);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(plan.files().get(0));
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
            assertThat(f.detail()).contains("no-such-mount");
            assertThat(f.elapsed()).as("how long the job ran").isGreaterThanOrEqualTo(java.time.Duration.ZERO).isLessThanOrEqualTo(around);
        });
        assertThat(r.skipped()).containsExactlyElementsOf(plan.files().subList(1, plan.files().size()));
        assertThat(mock.compiled()).isEmpty();
        assertThat(r.compilerRuns()).isZero();
    }
}
