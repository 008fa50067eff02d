package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.CacheKey;
import io.ivfsp.testing.RecordingRegistryProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with a shared registry: what it asks the registry, and, when the registry is required and does not
 * answer or fails, how it stops at the first job that meets the failure.
 */
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

    /** The mock, which on its first call replaces the registry directory by a file: the registry then fails. */
    private static OpCompiler breakingRegistryAtFirstCall(MockOpCompiler mock, Path registry) {
        return new BeforeEachCall(mock, request -> {
            if (Files.isDirectory(registry)) {
                Files.move(registry, registry.resolveSibling("registry.gone"));
                Files.writeString(registry, "not a directory");
            }
        });
    }

    @Test
    void aRequiredRegistryThatFailsWhileAJobIsPublishedFailsThatJobAndNoOtherJobStarts() throws IOException {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);
        Path registry = Files.createDirectories(dir.resolve("registry"));
        RemoteSettings required = RemoteSettings.builder(registry.toUri().toString()).required(true).build();
        MockOpCompiler mock = MockOpCompiler.create();

        GenerationResult r = ModelGenerator.builder().compiler(breakingRegistryAtFirstCall(mock, registry))
                .outputRoot(dir.resolve("out")).parallelism(1).scheduling(Scheduling.PLAN_ORDER).remote(required)
                .build().generate(plan);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(plan.files().get(0));
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
            assertThat(f.detail()).contains(registry.toUri().toString()).contains("required");
        });
        assertThat(r.skipped()).containsExactlyElementsOf(plan.files().subList(1, plan.files().size()));
        assertThat(mock.compiled()).containsExactly(plan.files().get(0));
    }

    @Test
    void theJobsOfASharedCallAreSkippedAndToldSoWhenTheRegistryFailsForAnotherJobOfTheCall() throws IOException {
        ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        MockOpCompiler mock = MockOpCompiler.create();
        String soc = IvfspConfig.defaults().socVersion();
        // The registry's entry of the call's last job (jobs are claimed in key order) cannot be read.
        OpFile last = service.files().stream().max(Comparator.comparing(
                (OpFile f) -> CacheKey.of(f, soc, mock.name(), mock.cacheIdentity()))).orElseThrow();
        Path registry = Files.createDirectories(dir.resolve("registry"));
        Files.createDirectories(registry.resolve("ac").resolve(CacheKey.of(last, soc, mock.name(), mock.cacheIdentity())));
        RemoteSettings required = RemoteSettings.builder(registry.toUri().toString()).required(true).build();
        List<OpFile> toldSkipped = new CopyOnWriteArrayList<>();
        GenerationListener listener = new GenerationListener() {
            @Override
            public void jobSkipped(JobProgress progress) {
                toldSkipped.add(progress.file());
            }
        };

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(dir.resolve("out")).parallelism(1)
                .batching(BatchingMode.ALWAYS).remote(required).listener(listener).build().generate(service);

        assertThat(r.failures()).singleElement().satisfies(f -> {
            assertThat(f.file()).isEqualTo(last);
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
        });
        assertThat(r.skipped()).hasSize(service.files().size() - 1).doesNotContain(last);
        assertThat(toldSkipped).as("each skipped job is told").containsExactlyInAnyOrderElementsOf(r.skipped());
        assertThat(mock.compiled()).isEmpty();
        assertThat(r.compilerRuns()).isZero();
    }

    @Test
    void theRegistryIsAskedForTheCompileTimesOfJobsTheManifestsHaveNoTimeFor() throws IOException {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU, ModelSet.TRAINING);
        Path registry = Files.createDirectories(dir.resolve("registry"));
        RecordingRegistryProvider.Record record = RecordingRegistryProvider.of(registry);
        RemoteSettings remote = RemoteSettings.builder(RecordingRegistryProvider.uri(registry)).build();
        ModelGeneratorBuilder generator = ModelGenerator.builder().compiler(MockOpCompiler.create())
                .outputRoot(dir.resolve("out")).remote(remote);

        generator.build().generate(plan).requireSuccess();
        long asked = record.reads.stream().filter(n -> n.startsWith("times/")).count();
        record.reads.clear();
        // Compiled again: the manifests have every job's time now.
        generator.incremental(false).build().generate(plan).requireSuccess();

        assertThat(asked).as("compile times asked when nothing was recorded").isEqualTo(plan.files().size());
        assertThat(record.reads).as("compile times asked once every job's is recorded")
                .noneMatch(n -> n.startsWith("times/"));
    }
}
