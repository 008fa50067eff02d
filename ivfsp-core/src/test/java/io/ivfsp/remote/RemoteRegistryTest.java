package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;
import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.ModelTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generators sharing a {@code file://} registry: fetch instead of compile, leases, bad entries, failures. */
class RemoteRegistryTest {

    @TempDir
    Path dir;
    Path registryDir;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    /** Every set of the default deployment: 45 models in a few dozen jobs. */
    final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));
    final String soc = IvfspConfig.defaults().socVersion();

    @BeforeEach
    void setUp() throws IOException {
        registryDir = Files.createDirectories(dir.resolve("registry"));
    }

    private RemoteSettings.Builder remote() {
        return RemoteSettings.builder(registryDir.toUri().toString()).warnings(warnings::add);
    }

    private GenerationResult generate(OpCompiler compiler, Path root, RemoteSettings settings) {
        return ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(4).remote(settings).build()
                .generate(plan);
    }

    private long distinctJobs() {
        return ModelTrees.distinctJobs(plan);
    }

    private static Map<String, String> modelDigests(Path root) throws IOException {
        return ModelTrees.digests(root);
    }

    private String key(OpFile f, OpCompiler compiler) {
        return io.ivfsp.store.CacheKey.of(f, soc, compiler.name(), RemoteModels.registryIdentity(compiler));
    }

    @Test
    void secondNodeWithTheSameConfigCompilesNothing() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();
        assertThat(first.compiled()).hasSize((int) distinctJobs());

        MockOpCompiler second = MockOpCompiler.create();
        GenerationResult r = generate(second, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(second.compiled()).isEmpty();
        assertThat(r.reusedModels()).isEqualTo(r.modelCount());
        assertThat(modelDigests(dir.resolve("node2"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).isEmpty();
        // Fetched models are recorded locally: a third run on node 2 touches neither the compiler nor the registry.
        Files.walk(registryDir).sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
        MockOpCompiler third = MockOpCompiler.create();
        generate(third, dir.resolve("node2"), remote().build()).requireSuccess();
        assertThat(third.compiled()).isEmpty();
    }

    @Test
    void readOnlyCredentialsFetchAndNeitherLeaseNorPublish() throws IOException {
        generate(MockOpCompiler.create(), dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile unpublished = plan.files().get(0);
        MockOpCompiler compiler = MockOpCompiler.create();
        Files.delete(registryDir.resolve("ac/" + key(unpublished, compiler)));
        Set<String> before;
        try (Stream<Path> s = Files.walk(registryDir)) {
            before = s.map(Path::toString).collect(Collectors.toSet());
        }
        RemoteSettings readOnly = RemoteSettings.builder("readonly://" + registryDir).warnings(warnings::add).build();

        generate(compiler, dir.resolve("fetch-node"), readOnly).requireSuccess();

        assertThat(compiler.compiled()).extracting(OpFile::fileName).containsExactly(unpublished.fileName());
        assertThat(modelDigests(dir.resolve("fetch-node"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("refuses writes"));
        try (Stream<Path> s = Files.walk(registryDir)) {
            assertThat(s.map(Path::toString).collect(Collectors.toSet())).isEqualTo(before);
        }
    }

    @Test
    void compileTimesTravelWithTheModels() throws IOException {
        MockOpCompiler slow = MockOpCompiler.builder().delay("FpToFp16", java.time.Duration.ofMillis(300)).build();
        generate(slow, dir.resolve("node1"), remote().build()).requireSuccess();
        generate(MockOpCompiler.create(), dir.resolve("node2"), remote().build()).requireSuccess();

        OpFile fp = plan.files().stream().filter(f -> f.opTypes().contains("FpToFp16")).findFirst().orElseThrow();
        try (ModelStore store = ModelStore.open(dir.resolve("node2"))) {
            Manifest.Entry e = store.manifest(fp.set()).entry(fp.fileName()).orElseThrow();
            assertThat(e.compileSeconds()).isGreaterThanOrEqualTo(0.3);
        }
    }

    @Test
    void eightGeneratorsStartingTogetherCompileEachKeyOnce() throws Exception {
        int nodes = 8;
        List<OpFile> compiled = new CopyOnWriteArrayList<>();
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<GenerationResult>> runs = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                Path root = dir.resolve("node" + n);
                runs.add(pool.submit(() -> {
                    OpCompiler slowMock = recording(MockOpCompiler.create(), compiled);
                    start.await(2, TimeUnit.MINUTES);
                    return generate(slowMock, root, remote().leaseTime(java.time.Duration.ofMinutes(5)).build());
                }));
            }
            for (Future<GenerationResult> f : runs) {
                f.get(5, TimeUnit.MINUTES).requireSuccess();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(compiled).hasSize((int) distinctJobs());
        assertThat(compiled.stream().map(OpFile::fileName).distinct().count()).isEqualTo(distinctJobs());
        for (int n = 1; n < nodes; n++) {
            assertThat(modelDigests(dir.resolve("node" + n))).isEqualTo(modelDigests(dir.resolve("node0")));
        }
        try (Stream<Path> leases = Files.list(registryDir.resolve("leases"))) {
            assertThat(leases).as("every lease is released").isEmpty();
        }
        assertThat(warnings).isEmpty();
    }

    /** A mock that takes a moment per job, so that generators overlap, and records what it compiled. */
    private static OpCompiler recording(MockOpCompiler mock, List<OpFile> compiled) {
        return new OpCompiler() {
            @Override
            public String name() {
                return mock.name();
            }

            @Override
            public String cacheIdentity() {
                return mock.cacheIdentity();
            }

            @Override
            public boolean isSimulated() {
                return true;
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                Thread.sleep(20);
                CompileOutcome o = mock.compile(request);
                if (o instanceof CompileOutcome.Compiled) {
                    compiled.add(request.file());
                }
                return o;
            }
        };
    }

    @Test
    void corruptedRemoteModelIsNotInstalledAndIsRecompiled() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile victim = plan.files().get(0);
        String digest;
        try (ModelStore store = ModelStore.open(dir.resolve("node1"))) {
            digest = store.manifest(victim.set()).entry(victim.fileName()).orElseThrow().models().get(0).sha256();
        }
        Path blob = registryDir.resolve(RemoteModels.CAS + digest);
        byte[] bytes = Files.readAllBytes(blob);
        bytes[bytes.length / 2] ^= 0x5a;
        Files.write(blob, bytes);

        MockOpCompiler second = MockOpCompiler.create();
        generate(second, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(second.compiled()).extracting(OpFile::fileName).contains(victim.fileName());
        assertThat(modelDigests(dir.resolve("node2"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(victim, first)).contains("corrupt"));
        // The recompiled bytes have the digest: they repaired the registry's copy.
        assertThat(ModelStore.sha256(blob)).isEqualTo(digest);
        MockOpCompiler third = MockOpCompiler.create();
        generate(third, dir.resolve("node3"), remote().build()).requireSuccess();
        assertThat(third.compiled()).isEmpty();
    }

    @Test
    void remoteEntryNamingAModelOutsideItsDirectoryIsRefused() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        OpFile victim = plan.files().get(0);
        String key = key(victim, compiler);
        byte[] payload = "not a model".getBytes(StandardCharsets.UTF_8);
        String sha = sha256(payload);
        for (String name : List.of("../x.om", "sub/x.om", "..", "/etc/x.om", ".hidden.om")) {
            Files.createDirectories(registryDir.resolve("cas/sha256"));
            Files.write(registryDir.resolve("cas/sha256/" + sha), payload);
            Files.createDirectories(registryDir.resolve("ac"));
            Files.writeString(registryDir.resolve("ac/" + key), "{\"version\":1,\"key\":\"" + key
                    + "\",\"compile_seconds\":1.0,\"models\":[{\"name\":\"" + name + "\",\"size\":" + payload.length
                    + ",\"sha256\":\"" + sha + "\"}]}");
            warnings.clear();
            Path root = dir.resolve("node-" + Math.abs(name.hashCode()));
            MockOpCompiler local = MockOpCompiler.create();
            generate(local, root, remote().build()).requireSuccess();

            assertThat(local.compiled()).extracting(OpFile::fileName).contains(victim.fileName());
            assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key).contains("not installed"));
            assertThat(Files.exists(root.resolve("x.om"))).isFalse();
            assertThat(Files.exists(dir.resolve("x.om"))).isFalse();
            assertThat(modelDigests(root).values()).doesNotContain(sha);
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
    void entriesAndLeasesNestedDeeplyOrOversizedAreRefusedNotFatal() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        OpFile nested = plan.files().get(0);
        OpFile huge = plan.files().get(1);
        OpFile leased = plan.files().get(2);
        Files.createDirectories(registryDir.resolve("ac"));
        Files.createDirectories(registryDir.resolve("leases"));
        Files.writeString(registryDir.resolve("ac/" + key(nested, compiler)), "[".repeat(60_000));
        Files.write(registryDir.resolve("ac/" + key(huge, compiler)), new byte[RegistryEntry.MAX_BYTES + 1]);
        Files.writeString(registryDir.resolve("leases/" + key(leased, compiler) + ".0"), "{\"a\":" + "[".repeat(3000));

        GenerationResult r = generate(compiler, dir.resolve("node"), remote().build()).requireSuccess();

        assertThat(compiler.compiled()).extracting(OpFile::fileName)
                .contains(nested.fileName(), huge.fileName(), leased.fileName());
        assertThat(r.compiledModels()).isEqualTo(r.modelCount());
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(nested, compiler)).contains("nested"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(huge, compiler)).contains("larger than"));
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
        Files.createDirectories(registryDir.resolve("leases"));
        Files.writeString(registryDir.resolve(".tmp"), "a file where the registry's temporary directory goes");
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
    void leaseOfADeadHolderIsTakenOverAfterItExpires() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        Files.createDirectories(registryDir.resolve("leases"));
        // A holder that died: its leases on every key, never renewed, expiring shortly.
        long expires = System.currentTimeMillis() + 1500;
        Set<String> keys = plan.files().stream().map(f -> key(f, compiler)).collect(Collectors.toSet());
        for (String k : keys) {
            Files.writeString(registryDir.resolve("leases/" + k + ".0"),
                    "{\"holder\":\"dead-node/1/x\",\"expires_ms\":" + expires + "}");
        }

        GenerationResult r = generate(compiler, dir.resolve("node"),
                remote().leaseTime(java.time.Duration.ofMillis(500)).build()).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(r.compiledModels()).isEqualTo(r.modelCount());
        for (String k : keys) {
            assertThat(registryDir.resolve("ac/" + k)).exists();
        }
        try (Stream<Path> leases = Files.list(registryDir.resolve("leases"))) {
            assertThat(leases).as("the taken-over leases are released with ours").isEmpty();
        }
    }

    @Test
    void fetchInstallsAConfigsModelsWithoutAToolkit() throws IOException {
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

    @Test
    void fetchOfAConfigNobodyPublishedInstallsNothingAndNamesTheKey() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        generate(compiler, dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile gone = plan.files().get(plan.files().size() - 1);
        Files.delete(registryDir.resolve("ac/" + key(gone, compiler)));

        Path target = dir.resolve("runtime-node");
        try (RemoteModels registry = RemoteModels.open(remote().required(true).build(), compiler, soc);
             ModelStore store = ModelStore.open(target)) {
            assertThatThrownBy(() -> registry.fetchAll(plan.files(), store))
                    .isInstanceOfSatisfying(RemoteModels.MissingModelsException.class, e -> assertThat(e.missing())
                            .singleElement().satisfies(m -> {
                                assertThat(m.key()).isEqualTo(key(gone, compiler));
                                assertThat(m.file()).isEqualTo(gone);
                            }));
        }
        assertThat(modelDigests(target)).isEmpty();
    }

    private static String sha256(byte[] b) throws IOException {
        Path tmp = Files.createTempFile("sha", ".bin");
        try {
            Files.write(tmp, b);
            return ModelStore.sha256(tmp);
        } finally {
            Files.delete(tmp);
        }
    }
}
