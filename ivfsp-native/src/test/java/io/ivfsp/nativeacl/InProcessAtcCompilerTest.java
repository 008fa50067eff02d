package io.ivfsp.nativeacl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOmFormat;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process compiler through JNI and GeApiWrapper_Atc_Main of the mock libpyatc_wrapper.so. */
class InProcessAtcCompilerTest {

    @TempDir
    Path root;

    @Test
    void compilesEveryModelNamedAsAtcNamesThem() throws IOException {
        InProcessAtcCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));

        ModelGenerator generator = ModelGenerator.builder().compiler(compiler).outputRoot(root).build();
        GenerationResult r = generator.generate(plan);

        assertThat(generator.parallelism()).isEqualTo(1);
        assertThat(r.isSuccess()).as(r.failures().toString()).isTrue();
        List<String> expected = plan.files().stream().flatMap(f -> f.omFileNames().stream()).toList();
        assertThat(r.models()).extracting(m -> m.path().getFileName().toString()).containsExactlyElementsOf(expected);
        OpFile first = plan.files().get(0);
        assertThat(Files.readAllBytes(r.models().get(0).path()))
                .isEqualTo(MockOmFormat.content(first.ops().get(0), "Ascend310P3"));
        try (Stream<Path> s = Files.list(root)) {
            // fusion_result.json went to the job's private directory (ASCEND_WORK_PATH), now removed.
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config", "op_models",
                    "op_models_pyacl", ".ivfsp-locks");
        }
    }

    @Test
    void brokenJsonIsAFailureWithTheStatus() throws Exception {
        InProcessAtcCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
        OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
        Path json = Files.writeString(root.resolve("broken.json"), "{not json");
        Path out = Files.createDirectories(root.resolve("out"));
        Path work = Files.createDirectories(root.resolve("work"));

        var outcome = compiler.compile(new io.ivfsp.compile.CompileRequest(file, json, out, work, "Ascend310P3",
                Optional.empty(), new io.ivfsp.compile.Cancellation()));

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(f.exitStatus()).hasValue(255);
            assertThat(f.command().get(0)).endsWith(":GeApiWrapper_Atc_Main");
        });
        assertThat(work.resolve("fusion_result.json")).exists();
    }

    @Test
    void libraryWithoutTheEntryPointIsUnavailableWithTheReason() {
        assertThatThrownBy(() -> InProcessAtcCompiler.load("libascendcl.so"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not export GeApiWrapper_Atc_Main").hasMessageContaining("atc backend");
        assertThat(InProcessAtcCompiler.unavailableReason("libnothere.so")).hasValueSatisfying(
                why -> assertThat(why).contains("libnothere.so"));
    }

    @Test
    void serviceLoaderOffersItAsTheNativeBackend() {
        OpCompiler c = OpCompilers.select(Optional.of("native"));

        assertThat(c.name()).isEqualTo("native");
        assertThat(c.maxParallelism()).isEqualTo(1);
        assertThat(OpCompilers.describe()).contains("native (rank 50): available");
    }
}
