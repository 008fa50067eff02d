package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.FakeToolkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ivfsp verify} and {@code ivfsp doctor} in child JVMs (ACL takes one model directory per
 * process), against the mock CANN of ivfsp-native.
 */
@Execution(ExecutionMode.CONCURRENT)  // each case has its own directory and child JVM: side by side, they end sooner
class VerifyAndDoctorTest {

    private static final String MOCK_LIB64 = System.getenv("IVFSP_TEST_ACL_LIB64");

    @TempDir
    Path dir;
    Path modelPath;

    /**
     * Installs the mock models of every set into {@code modelPath}: for the cases that name a model
     * directory. The doctor's cases name none: they do without the in-process generation of 45 models.
     */
    private void generate() {
        modelPath = dir.resolve("modelpath");
        CliRunner.Result r = new CliRunner(Map.of(), dir, false)
                .run("all", "--backend", "mock", "-q", "--install-to", modelPath.toString());
        assertThat(r.exit()).as(r.err()).isZero();
    }

    private static ChildJvm.Result cli(Map<String, String> env, String... args) throws Exception {
        return ChildJvm.run(env, List.of("LD_LIBRARY_PATH"), IvfspCli.class, args);
    }

    private static Map<String, String> withMock() {
        return Map.of("LD_LIBRARY_PATH", MOCK_LIB64);
    }

    @Test
    void completeDirectoryVerifies() throws Exception {
        generate();

        ChildJvm.Result r = cli(withMock(), "verify", "--model-dir", modelPath.toString());

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("45 of 45 expected ops present in " + modelPath + " (SoC Ascend310P3)")
                .contains("present  aicpu     aicpu_topk_ops0.json#13");
    }

    @Test
    void missingModelIsListedAndExitsOne() throws Exception {
        generate();

        OpFile cid = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(0);
        Files.delete(modelPath.resolve(cid.omFileNames().get(0)));

        ChildJvm.Result r = cli(withMock(), "verify", "--model-dir", modelPath.toString(), "--sets", "service");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("MISSING  service   ivf_cid_filter3_op32_pid0.json")
                .contains("expected model " + cid.omFileNames().get(0) + "; ACL error 100024")
                .contains("26 of 27 expected ops present").contains("1 MISSING");
    }

    @Test
    void configurationOfTheDirectoryMatters() throws Exception {
        generate();

        ChildJvm.Result r = cli(withMock(), "verify", "--model-dir", modelPath.toString(), "--sets", "training",
                "-batch_size", "4096");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("MISSING  training  distance_compute_qc_op4096_pid0.json").contains("3 of 4");
    }

    @Test
    void badSetsAndFlagsAreUsageErrors() {
        generate();

        CliRunner.Result r = new CliRunner(Map.of(), dir, false)
                .run("verify", "--model-dir", modelPath.toString(), "--sets", "service,gpu", "-d", "100");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("unknown model set: 'gpu'").contains("-d (dim) = 100");
    }

    @Test
    void withoutAclVerifySaysWhyAndWhatToSet() throws Exception {
        generate();

        ChildJvm.Result r = cli(Map.of(), "verify", "--model-dir", modelPath.toString());

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("cannot verify without ACL").contains("libascendcl.so")
                .contains("LD_LIBRARY_PATH");
    }

    @Test
    void doctorReportsToolkitOppSocAndBackends() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Map<String, String> env = new java.util.HashMap<>(withMock());
        env.put("ASCEND_HOME", dir.toString());
        env.put("ASCEND_VERSION", "toolkit");
        env.put("IVFSP_MOCK_SOC_NAME", "Ascend310P3");

        ChildJvm.Result r = cli(env, "doctor");

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("toolkit:  " + fake.home()).contains("atc:      " + fake.home().resolve("bin/atc"))
                .contains("opp:      Version=8.0.0-fake").contains("native:   available")
                .contains("soc:      Ascend310P3 (from aclrtGetSocName)").contains("devices:  1")
                .contains("atc (rank 100): available").contains("native (rank 50, simulated): available")
                .contains("mock (rank 0, simulated): available");
    }

    @Test
    void doctorWithoutToolkitOrAclSaysWhy() throws Exception {
        ChildJvm.Result r = cli(Map.of("ASCEND_HOME", dir.resolve("none").toString()), "doctor");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("atc:      missing: " + dir.resolve("none/ascend-toolkit/latest/bin/atc"))
                .contains("native:   unavailable").contains("libascendcl.so")
                .contains("soc:      unknown (needs the native binding)");
    }
}
