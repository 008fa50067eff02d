package io.ivfsp.nativeacl;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.atc.LightWatchdog;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelInstaller;
import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verification through the real JNI path against the mock CANN, one child JVM per model directory. The
 * tests run side by side: each has its own directories and child JVMs, and this JVM loads no ACL.
 */
@Execution(ExecutionMode.CONCURRENT)
class ModelVerifierTest {

    @TempDir
    Path dir;
    Path modelPath;

    @BeforeEach
    void generate() throws IOException {
        GenerationResult r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(dir.resolve("gen"))
                .build().generate(IvfspConfig.defaults(), ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING)
                .requireSuccess();
        modelPath = dir.resolve("modelpath");
        ModelInstaller.install(r.models(), modelPath);
    }

    private static ChildJvm.Result verify(Map<String, String> env, String... dirs) throws Exception {
        return ChildJvm.run(env, List.of(), VerifyChild.class, dirs);
    }

    @Test
    void completeDirectoryHasEveryExpectedOp() throws Exception {
        ChildJvm.Result r = verify(Map.of(), modelPath.toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("soc Ascend310P3").contains("present 45").doesNotContain("missing");
    }

    @Test
    void removedModelIsReportedMissingWithOpNotFound() throws Exception {
        OpFile fp = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(26);
        Files.delete(modelPath.resolve(fp.omFileNames().get(0)));

        ChildJvm.Result r = verify(Map.of(), modelPath.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("present 44").contains("missing " + fp.omFileNames().get(0) + " 100024");
    }

    @Test
    void modelForTheWrongShapeDoesNotCount() throws Exception {
        // Replace the dim-256 FpToFp16 model of batch 1 by the dim-128 one, under the expected name.
        OpFile expected = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(26);
        GenerationResult other = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(dir.resolve("d128"))
                .build().generate(IvfspConfig.builder().dim(128).build(), ModelSet.SERVICE);
        Path wrong = other.models().stream().filter(m -> m.path().getFileName().toString().startsWith("0_FpToFp16_0_2_1_128_"))
                .findFirst().orElseThrow().path();
        Files.copy(wrong, modelPath.resolve(expected.omFileNames().get(0)), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

        ChildJvm.Result r = verify(Map.of(), modelPath.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("missing " + expected.omFileNames().get(0) + " 100024").contains("present 44");
    }

    @Test
    void modelsUpToThreeLevelsDeepAreFoundAndUnreadableOnesSkipped() throws Exception {
        Path nested = Files.createDirectories(dir.resolve("nested/a/b"));
        try (var s = Files.list(modelPath)) {
            for (Path p : s.toList()) {
                Files.move(p, nested.resolve(p.getFileName()));
            }
        }
        Files.writeString(dir.resolve("nested/junk.om"), "not a model");
        Path tooDeep = Files.createDirectories(dir.resolve("deep/a/b/c"));
        try (var s = Files.list(nested)) {
            for (Path p : s.toList()) {
                Files.copy(p, tooDeep.resolve(p.getFileName()));
            }
        }

        ChildJvm.Result found = verify(Map.of(), dir.resolve("nested").toString());
        ChildJvm.Result notFound = verify(Map.of(), dir.resolve("deep").toString());

        assertThat(found.exit()).as(found.out()).isZero();
        assertThat(found.out()).contains("present 45").contains("skipped " + dir.resolve("nested/junk.om"));
        assertThat(notFound.exit()).isEqualTo(1);
        assertThat(notFound.out()).contains("present 0");
    }

    @Test
    void modelsWrittenByTheAtcFixtureLoadToo() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path root = dir.resolve("fixture-out");
        // The shell watchdog (LightWatchdog): the subject is the models the fixture writes, not ATC's watchdog.
        ModelGenerator.builder().compiler(LightWatchdog.builder().toolkit(fake.toolkit()).build()).outputRoot(root)
                .build().generate(OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class))).requireSuccess();

        ChildJvm.Result r = verify(Map.of(), root.toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("present 45");
    }

    @Test
    void secondDirectoryInOneProcessNamesTheOpsAclAlreadyServed() throws Exception {
        // ACL cannot unload: what the first verification loaded still answers in the second one.
        Path empty = Files.createDirectories(dir.resolve("empty"));

        ChildJvm.Result r = verify(Map.of(), modelPath.toString(), empty.toString());

        assertThat(r.out()).contains("present 45").contains("second present 45 loaded before 45");
    }

    @Test
    void verificationLeavesTheModelDirectoryToTheHost() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of(), List.of(), AclChild.class, "verify-then-host-model-dir",
                modelPath.toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("host aclInit 0").contains("verify complete true loaded before 0")
                .contains("host aclopSetModelDir 0")
                .contains("host second aclopSetModelDir 100002")  // the mock is as strict as ACL
                .contains("host aclFinalize 0");                  // verification did not finalize the host's ACL
    }

    @Test
    void failedShapeRangeLeavesNoDescriptorBehind() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of("IVFSP_MOCK_FAIL_SHAPE_RANGE", "1"), List.of(), AclChild.class,
                "shape-range-fails", modelPath.toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("refused by aclSetTensorShapeRange 500001")
                .contains("mock descriptors=0 attrs=0 handles=0");
    }

    @Test
    void symbolicLinkInThePathIsRefusedAsAclRefusesIt() throws Exception {
        Path link = Files.createSymbolicLink(dir.resolve("link"), modelPath);

        ChildJvm.Result r = verify(Map.of(), link.toString());

        assertThat(r.exit()).isNotZero();
        assertThat(r.out()).contains("aclopSetModelDir returned 100000").contains("symbolic link");
    }

    @Test
    void socNameComesFromAclAndModelsForAnotherSocDoNotLoad() throws Exception {
        ChildJvm.Result r = verify(Map.of("IVFSP_MOCK_SOC_NAME", "Ascend910B4"), modelPath.toString());

        assertThat(r.out()).contains("soc Ascend910B4").contains("present 0");
        assertThat(r.exit()).isEqualTo(1);
    }

    @Test
    void withoutTheLibraryTheBindingIsUnavailableAndCoreStillWorks() throws Exception {
        ChildJvm.Result r = ChildJvm.run(Map.of(), List.of("LD_LIBRARY_PATH"), VerifyChild.class, "unavailable");

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("available false").contains("libascendcl.so").contains("attempt 1: JavaCPP")
                .contains("LD_LIBRARY_PATH=(unset)").contains("/usr/local/Ascend/ascend-toolkit/latest/lib64")
                .contains("initialize refused, 1 suppressed").contains("core plans 45");
    }
}
