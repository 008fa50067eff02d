package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.Test;

/**
 * The {@code file://} registry: the cases every registry passes ({@link ModelRegistryContract}), on every
 * set of the default deployment, and those a shared directory makes easy to stage (read-only mounts,
 * missing mounts, a registry that fails mid-run).
 */
@Execution(ExecutionMode.CONCURRENT)  // its cases use their own directories and toolkits: side by side, they end sooner
class RemoteRegistryTest extends ModelRegistryContract {

    RemoteRegistryTest() {
        super(EnumSet.allOf(ModelSet.class));
    }

    private Path registryDir() {
        return dir.resolve("registry");
    }

    @Override
    protected RemoteSettings.Builder registry() {
        try {
            return RemoteSettings.builder(Files.createDirectories(registryDir()).toUri().toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aRunOnTheNodeThatFetchedTouchesNeitherTheCompilerNorTheRegistry() throws IOException {
        generate(MockOpCompiler.create(), dir.resolve("node1"), remote().build()).requireSuccess();
        generate(MockOpCompiler.create(), dir.resolve("node2"), remote().build()).requireSuccess();
        try (Stream<Path> s = Files.walk(registryDir())) {
            s.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        MockOpCompiler third = MockOpCompiler.create();

        generate(third, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(third.compiled()).isEmpty();
    }

    @Test
    void readOnlyCredentialsFetchAndNeitherLeaseNorPublish() throws IOException {
        generate(MockOpCompiler.create(), dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile unpublished = plan.files().get(0);
        MockOpCompiler compiler = MockOpCompiler.create();
        Files.delete(registryDir().resolve("ac/" + key(unpublished, compiler)));
        Set<String> before;
        try (Stream<Path> s = Files.walk(registryDir())) {
            before = s.map(Path::toString).collect(Collectors.toSet());
        }
        RemoteSettings readOnly = RemoteSettings.builder("readonly://" + registryDir()).warnings(warnings::add).build();

        generate(compiler, dir.resolve("fetch-node"), readOnly).requireSuccess();

        assertThat(compiler.compiled()).extracting(OpFile::fileName).containsExactly(unpublished.fileName());
        assertThat(modelDigests(dir.resolve("fetch-node"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("refuses writes"));
        try (Stream<Path> s = Files.walk(registryDir())) {
            assertThat(s.map(Path::toString).collect(Collectors.toSet())).isEqualTo(before);
        }
    }

    @Test
    void runWithEveryModelInPlaceNeverTouchesTheRegistry() {
        MockOpCompiler compiler = MockOpCompiler.create();
        ModelGenerator.builder().compiler(compiler).outputRoot(dir.resolve("node")).build().generate(plan).requireSuccess();
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).required(true).build();

        generate(compiler, dir.resolve("node"), down).requireSuccess();

        assertThat(warnings).isEmpty();
    }

    @Test
    void unreachableRegistryCompilesLocallyWithOneWarning() {
        MockOpCompiler compiler = MockOpCompiler.create();
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).build();

        generate(compiler, dir.resolve("node"), down).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(warnings).hasSize(1);
        assertThat(warnings.get(0)).contains("no-such-mount").contains("compiling locally");
    }

    @Test
    void registryFailingMidRunIsWarnedAboutOnce() throws IOException {
        // A registry whose objects cannot be created: every lookup answers, every lease fails.
        Files.createDirectories(registryDir().resolve("leases"));
        Files.writeString(registryDir().resolve(".tmp"), "a file where the registry's temporary directory goes");
        MockOpCompiler compiler = MockOpCompiler.create();

        generate(compiler, dir.resolve("node"), remote().build()).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(warnings).hasSize(1);
    }

    @Test
    void requiredRegistryThatIsDownFailsTheRun() {
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).required(true).build();
        MockOpCompiler compiler = MockOpCompiler.create();

        GenerationResult r = generate(compiler, dir.resolve("node"), down);

        assertThat(r.isSuccess()).isFalse();
        assertThat(r.failures()).first().satisfies(f -> assertThat(f.describe()).contains("no-such-mount")
                .contains("--remote-required"));
        assertThat(compiler.compiled()).isEmpty();
    }

    @Test
    void fetchInstallsAConfigsAtcModelsWithoutAToolkit() throws IOException {
        FakeToolkit fake = FakeToolkit.create(dir.resolve("build-node"));
        fake.generator(dir.resolve("node1")).remote(remote().build()).build().generate(plan).requireSuccess();

        Path runtimeOnly = dir.resolve("runtime-node");
        List<StoredModel> installed;
        try (RemoteModels registry = RemoteModels.open(remote().required(true).build(), "atc",
                RemoteModels.atcIdentity("8.0.0-fake"), soc);
             ModelStore store = ModelStore.open(runtimeOnly)) {
            installed = registry.fetchAll(plan.files(), store);
        }

        assertThat(installed).hasSize(plan.modelCount());
        assertThat(modelDigests(runtimeOnly)).isEqualTo(modelDigests(dir.resolve("node1")));
    }
}
