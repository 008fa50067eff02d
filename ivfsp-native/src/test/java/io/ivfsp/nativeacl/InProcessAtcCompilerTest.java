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

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.testing.ChildJvm;

import java.util.Map;

import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-process compiler through JNI and GeApiWrapper_Atc_Main of the mock libpyatc_wrapper.so. */
@ResourceLock("io.ivfsp.nativeacl.AclRuntime")  // the ACL runtime of this JVM is one per process
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
        if (System.getenv("ASCEND_WORK_PATH") == null) {
            // The side files went to the job's work directory, not to the process-wide ASCEND_WORK_PATH.
            assertThat(work.resolve("fusion_result.json")).exists();
            assertThat(work.resolve("kernel_meta/kernel.o")).exists();
        }
    }

    private CompileOutcome compileOne(InProcessAtcCompiler compiler, String json, int workers) throws Exception {
        OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
        Path jsonFile = Files.writeString(root.resolve("op-" + workers + ".json"), json);
        Path out = Files.createDirectories(root.resolve("out-" + workers));
        Path work = Files.createDirectories(root.resolve("work-" + workers));
        return compiler.compile(new CompileRequest(file, jsonFile, out, work, "Ascend310P3", Optional.empty(),
                new Cancellation(), workers));
    }

    @Test
    void compilerOutputGoesToTheJobNotToStandardOutput() throws Exception {
        InProcessAtcCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
        OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);
        String json = Files.readString(generatedJson(file));

        CompileOutcome ok = compileOne(compiler, json, 3);
        CompileOutcome bad = compileOne(compiler, "[{\"op\": \"A\\u12", 5);

        assertThat(ok).isInstanceOfSatisfying(CompileOutcome.Compiled.class, c -> assertThat(c.outputTail())
                .contains("ATC run success").contains("[mock atc] TE_PARALLEL_COMPILER=3"));
        assertThat(bad).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.errorCode()).hasValue("E10025");
            assertThat(f.outputTail()).contains("E10025: invalid op").contains("TE_PARALLEL_COMPILER=5");
        });
    }

    @Test
    void workPathIsSetOnceAndStaysValidAfterEveryJob() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("ASCEND_WORK_PATH") == null,
                "the environment sets ASCEND_WORK_PATH, which the compiler then leaves alone");
        InProcessAtcCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
        String before = AtcEnvironment.cEnv("ASCEND_WORK_PATH").orElseThrow();
        OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);

        compileOne(compiler, file.json(), 2);

        assertThat(AtcEnvironment.cEnv("ASCEND_WORK_PATH")).hasValue(before);
        try (Stream<Path> left = Files.list(Path.of(before))) {
            assertThat(left).as("side files moved to the job").isEmpty();
        }
    }

    @Test
    void nativeBackendPrintsNothingOnTheProcessStandardStreams() throws Exception {
        // Descriptors 1 and 2 of a child JVM that compiles a whole plan: only the child's own lines remain.
        ChildJvm.Result r = ChildJvm.run(Map.of(), List.of(), CompileChild.class, root.resolve("child").toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("compiled 45").doesNotContain("ATC run success").doesNotContain("[mock atc]");
    }

    @Test
    void mockCannIsSimulatedAndIdentifiesItself() {
        InProcessAtcCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);

        assertThat(compiler.isSimulated()).isTrue();
        assertThat(compiler.cacheIdentity()).contains("simulated=ivfsp-mock-cann 1");
        assertThat(new InProcessCompilerProvider().isSimulated()).isTrue();
        assertThat(NativeAcl.mockCannIdentity()).hasValue("ivfsp-mock-cann 1");
        // Auto-selection never picks a simulated backend.
        assertThat(OpCompilers.describe()).contains("native (rank 50, simulated): available");
    }

    @Test
    void toolkitUpgradeRecompilesAndTheSameToolkitReuses() throws IOException {
        Path mockLib = Path.of(System.getenv("IVFSP_TEST_ACL_LIB64"), InProcessAtcCompiler.LIBRARY);
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
        Path out = root.resolve("models");

        InProcessAtcCompiler old = InProcessAtcCompiler.load(toolkit("old", mockLib, "Version=7.0.0", false).toString());
        GenerationResult first = ModelGenerator.builder().compiler(old).outputRoot(out).build().generate(plan);
        GenerationResult again = ModelGenerator.builder().compiler(old).outputRoot(out).build().generate(plan);
        InProcessAtcCompiler newOpp = InProcessAtcCompiler.load(toolkit("opp", mockLib, "Version=8.0.0", false).toString());
        GenerationResult afterOpp = ModelGenerator.builder().compiler(newOpp).outputRoot(out).build().generate(plan);
        InProcessAtcCompiler newLib = InProcessAtcCompiler.load(toolkit("lib", mockLib, "Version=8.0.0", true).toString());
        GenerationResult afterLib = ModelGenerator.builder().compiler(newLib).outputRoot(out).build().generate(plan);

        assertThat(first.compiledModels()).isEqualTo(plan.modelCount());
        assertThat(again.reusedModels()).isEqualTo(plan.modelCount());
        assertThat(again.compiledModels()).isZero();
        assertThat(afterOpp.compiledModels()).as("a new OPP version").isEqualTo(plan.modelCount());
        assertThat(afterLib.compiledModels()).as("a new compiler library").isEqualTo(plan.modelCount());
        assertThat(List.of(old.cacheIdentity(), newOpp.cacheIdentity(), newLib.cacheIdentity())).doesNotHaveDuplicates();
    }

    /** A toolkit directory with the mock compiler in lib64 and an OPP version; {@code patched} changes the library's bytes. */
    private Path toolkit(String name, Path mockLib, String oppVersion, boolean patched) throws IOException {
        Path home = root.resolve("toolkit-" + name);
        Path lib = Files.createDirectories(home.resolve("lib64")).resolve(InProcessAtcCompiler.LIBRARY);
        Files.copy(mockLib, lib);
        if (patched) {
            Files.write(lib, "a rebuilt library".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    java.nio.file.StandardOpenOption.APPEND); // trailing bytes: still loadable, other content
        }
        Files.writeString(Files.createDirectories(home.resolve("opp")).resolve("version.info"), oppVersion);
        return lib;
    }

    private Path generatedJson(OpFile file) throws IOException {
        return Files.writeString(root.resolve("gen.json"), file.json());
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
        assertThat(OpCompilers.describe()).contains("native (rank 50, simulated): available");
    }
}
