package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;
import io.ivfsp.testing.RecordingRegistryProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A generation that fails while it is being planned, before any job runs, still ends its store: its
 * locked staging directory does not outlive the failure (nor, with it, the run's shutdown hook).
 */
class FailedStartCleanupTest {

    private static final ModelPlan PLAN = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);

    @TempDir
    Path root;

    /** The mock compiler, except that {@code failing} ("identity" or "simulated") throws. */
    private static OpCompiler failingIn(String failing) {
        MockOpCompiler mock = MockOpCompiler.create();
        return new OpCompiler() {
            @Override
            public String name() {
                return mock.name();
            }

            @Override
            public String cacheIdentity() {
                if (failing.equals("identity")) {
                    throw new IllegalStateException("identity unknown");
                }
                return mock.cacheIdentity();
            }

            @Override
            public boolean isSimulated() {
                if (failing.equals("simulated")) {
                    throw new IllegalStateException("simulated unknown");
                }
                return mock.isSimulated();
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                return mock.compile(request);
            }
        };
    }

    private void assertNoRunLeft() throws IOException {
        Path staging = root.resolve(ModelStore.STAGING_DIRECTORY);
        if (Files.exists(staging)) {
            try (Stream<Path> s = Files.list(staging)) {
                assertThat(s.map(p -> p.getFileName().toString())).as("runs left in %s", staging).isEmpty();
            }
        }
        // A store left open would keep its run's lock: a new generation would not be able to remove it.
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(PLAN).requireSuccess();
        assertThat(staging).doesNotExist();
    }

    @Test
    void aPlanThatFailsBeforeAnyJobRunsLeavesNoStagingDirectoryBehind() throws IOException {
        ModelGenerator generator = ModelGenerator.builder().compiler(failingIn("simulated")).outputRoot(root).build();

        assertThatThrownBy(() -> generator.generate(PLAN)).hasMessageContaining("simulated unknown");

        assertThat(root.resolve(ModelStore.CONFIG_DIRECTORY)).as("the JSON files were written first").isNotEmptyDirectory();
        assertNoRunLeft();
    }

    @Test
    void aCompilerIdentityThatFailsLeavesNoStagingDirectoryBehind() throws IOException {
        ModelGenerator generator = ModelGenerator.builder().compiler(failingIn("identity")).outputRoot(root).build();

        assertThatThrownBy(() -> generator.generate(PLAN)).hasMessageContaining("identity unknown");

        assertNoRunLeft();
    }

    @Test
    void aJsonFileInPlaceOfWhichThereIsADirectoryLeavesNoStagingDirectoryBehind() throws IOException {
        ModelPlan training = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.TRAINING);
        ModelStore probe = ModelStore.open(root);
        Path blocked = probe.jsonPath(training.files().get(0));
        probe.close();
        Files.createDirectories(blocked);
        ModelGenerator generator = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build();

        // The first plan's JSON files are written (through this run's staging directory) before the second's is refused.
        assertThatThrownBy(() -> generator.generate(List.of(PLAN, training))).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(blocked.toString());

        assertThat(probe.jsonPath(PLAN.files().get(0))).as("the first plan's JSON files were written").isRegularFile();
        Files.delete(blocked);
        assertNoRunLeft();
    }

    @Test
    void aRegistryWithAnUnknownSchemeLeavesNoStagingDirectoryBehind() throws IOException {
        RemoteSettings unknown = RemoteSettings.builder("no-such-scheme://bucket/models").build();
        ModelGenerator generator = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root)
                .remote(unknown).build();

        assertThatThrownBy(() -> generator.generate(PLAN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no-such-scheme");

        assertThat(root.resolve(ModelStore.CONFIG_DIRECTORY)).as("the JSON files were written first").isNotEmptyDirectory();
        assertNoRunLeft();
    }

    @Test
    void aPlanThatFailsAfterTheRegistryWasOpenedClosesTheRegistry(@TempDir Path registry) throws IOException {
        RecordingRegistryProvider.Record record = RecordingRegistryProvider.of(registry);
        ModelGenerator generator = ModelGenerator.builder().compiler(failingIn("simulated")).outputRoot(root)
                .remote(RemoteSettings.builder(RecordingRegistryProvider.uri(registry)).build()).build();

        // Planning asks the registry for compile times before it fails.
        assertThatThrownBy(() -> generator.generate(PLAN)).hasMessageContaining("simulated unknown");

        assertThat(record.events).containsExactly("open", "close");
        assertNoRunLeft();
    }
}
