package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.files.Sha256;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;
import io.ivfsp.json.JsonReader;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;
import io.ivfsp.testing.ModelTrees;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What every registry implementation must do, as nodes see it: the same cases run against {@code file://}
 * ({@code RemoteRegistryTest}) and {@code s3://} on S3Mock ({@code S3RegistryTest}). An implementation's
 * test extends this and says how to reach a fresh, empty registry.
 */
public abstract class ModelRegistryContract {

    /**
     * The registry's server, shared by the cases of a class that runs them side by side: the case of eight
     * nodes racing for every key has it to itself, so that no other case's load spreads the latencies its
     * lease settling (on servers without atomic creates) measures.
     */
    protected static final String SERVER = "io.ivfsp.remote.registry-server";

    @TempDir
    protected Path dir;
    protected final List<String> warnings = new CopyOnWriteArrayList<>();
    protected final ModelPlan plan;
    protected final String soc = IvfspConfig.defaults().socVersion();

    /** The cases run on the models of these sets (a smaller plan keeps a slower server's run short). */
    protected ModelRegistryContract(Set<ModelSet> sets) {
        this.plan = OpCatalog.plan(IvfspConfig.defaults(), sets);
    }

    /** The settings of a fresh, empty registry for this test (the same one on every call within a test). */
    protected abstract RemoteSettings.Builder registry();

    /** {@link #registry()} with the warnings collected in {@link #warnings}. */
    protected RemoteSettings.Builder remote() {
        return registry().warnings(warnings::add);
    }

    protected GenerationResult generate(OpCompiler compiler, Path root, RemoteSettings settings) {
        return generator(compiler, root, settings).build().generate(plan);
    }

    private ModelGeneratorBuilder generator(OpCompiler compiler, Path root, RemoteSettings settings) {
        ModelGeneratorBuilder b = ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(4);
        return settings == null ? b : b.remote(settings);
    }

    protected long distinctJobs() {
        return ModelTrees.distinctJobs(plan);
    }

    protected static Map<String, String> modelDigests(Path root) throws IOException {
        return ModelTrees.digests(root);
    }

    protected String key(OpFile f, OpCompiler compiler) {
        return CacheKey.of(f, soc, compiler.name(), RemoteModels.registryIdentity(compiler));
    }

    /** The raw registry, to look at or tamper with what the nodes wrote. */
    protected ModelRegistry raw() {
        return ModelRegistries.open(registry().build());
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void objectsAreCreatedOnceReadBoundedAndNamedSafely() throws IOException {
        try (ModelRegistry registry = raw()) {
            registry.check();
            assertThat(registry.read("ac/none", 100)).isEmpty();
            assertThat(registry.createIfAbsent("ac/x", "one".getBytes(StandardCharsets.UTF_8))).isTrue();
            assertThat(registry.createIfAbsent("ac/x", "two".getBytes(StandardCharsets.UTF_8))).isFalse();
            assertThat(registry.read("ac/x", 100)).hasValueSatisfying(b -> assertThat(new String(b, StandardCharsets.UTF_8)).isEqualTo("one"));
            assertThatThrownBy(() -> registry.read("ac/x", 2)).isInstanceOf(RegistryLimitException.class);
            Path target = dir.resolve("copy");
            assertThatThrownBy(() -> registry.readTo("ac/x", target, 2)).isInstanceOf(RegistryLimitException.class);
            assertThat(target).doesNotExist();
            registry.overwrite("ac/x", "three".getBytes(StandardCharsets.UTF_8));
            assertThat(registry.readTo("ac/x", target, 100)).isTrue();
            assertThat(target).hasContent("three");
            registry.delete("ac/x");
            assertThat(registry.exists("ac/x")).isFalse();
            assertThatThrownBy(() -> registry.read("../escape", 10)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void secondNodeWithTheSameConfigCompilesNothing() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();
        MockOpCompiler second = MockOpCompiler.create();

        GenerationResult r = generate(second, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(first.compiled()).hasSize((int) distinctJobs());
        assertThat(second.compiled()).isEmpty();
        assertThat(r.reusedModels()).isEqualTo(r.modelCount());
        assertThat(modelDigests(dir.resolve("node2"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).isEmpty();
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void fetchedModelsKeepThePublishersCompileTime() throws IOException {
        OpFile fp = plan.files().get(0);
        MockOpCompiler slow = MockOpCompiler.builder().delay(fp.fileName(), Duration.ofMillis(300)).build();
        generate(slow, dir.resolve("node1"), remote().build()).requireSuccess();
        generate(MockOpCompiler.create(), dir.resolve("node2"), remote().build()).requireSuccess();

        try (ModelStore store = ModelStore.open(dir.resolve("node2"))) {
            Manifest.Entry e = store.manifest(fp.set()).entry(fp.fileName()).orElseThrow();
            assertThat(e.compileSeconds()).isGreaterThanOrEqualTo(0.3);
        }
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void aNodeWithAnotherToolkitPlansItsColdRunWithTheFleetsCompileTimes() throws IOException {
        generate(MockOpCompiler.create(), dir.resolve("node-a"), remote().build()).requireSuccess();
        MockOpCompiler mock = MockOpCompiler.create();
        OpCompiler upgraded = withIdentity(mock, "mock/next-toolkit");
        Path trace = dir.resolve("trace-b.json");

        generator(upgraded, dir.resolve("node-b"), remote().build()).trace(trace).build().generate(plan).requireSuccess();

        // None of node B's keys were in the registry, so it compiled everything, planned with node A's times.
        assertThat(mock.compiled()).hasSize((int) distinctJobs());
        Map<?, ?> costModel = costModel(trace);
        assertThat(((Number) costModel.get("samples")).longValue()).isEqualTo(distinctJobs());
        // The mock compiles in milliseconds: the fit knows it; the static guess would say 3 s per call.
        assertThat(((Number) costModel.get("startup_s")).doubleValue()).isLessThan(1.0);
        assertThat(warnings).isEmpty();

        Path alone = dir.resolve("trace-c.json");
        generator(withIdentity(MockOpCompiler.create(), "mock/next-toolkit"), dir.resolve("node-c"), null).trace(alone)
                .build().generate(plan).requireSuccess();
        assertThat(((Number) costModel(alone).get("samples")).longValue()).as("without the registry").isZero();
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void invalidCompileTimesInTheRegistryAreIgnored() throws IOException {
        OpFile f = plan.files().get(0);
        RegistrySession session = new RegistrySession(remote().build(), null, "mock", "any", soc);
        String key = session.timeKey(f);
        CompileTimes times = new CompileTimes(session);
        int ops = f.ops().size();
        assertThat(CompileTimes.parse(times.bytes(f, 2.5), key, ops)).contains(2.5);
        for (String bad : List.of("{\"version\":1,\"key\":\"" + key + "\",\"ops\":" + ops + ",\"seconds\":-1}",
                "{\"version\":1,\"key\":\"" + key + "\",\"ops\":" + ops + ",\"seconds\":1e300}",
                "{\"version\":1,\"key\":\"" + key + "\",\"ops\":" + ops + ",\"seconds\":\"NaN\"}",
                "{\"version\":1,\"key\":\"" + key + "\",\"ops\":" + (ops + 1) + ",\"seconds\":1}",
                "{\"version\":1,\"key\":\"other\",\"ops\":" + ops + ",\"seconds\":1}",
                "{\"version\":2,\"key\":\"" + key + "\",\"ops\":" + ops + ",\"seconds\":1}",
                "{\"a\":" + "[".repeat(5000), "[1,2]", "not json", " ".repeat(CompileTimes.MAX_BYTES + 1))) {
            assertThat(CompileTimes.parse(bad.getBytes(StandardCharsets.UTF_8), key, ops)).as(bad).isEmpty();
        }
        try (ModelRegistry registry = raw()) {
            registry.overwrite(RegistrySession.TIMES + key, new byte[CompileTimes.MAX_BYTES + 1]);
        }
        try (RemoteModels remoteModels = RemoteModels.open(remote().build(), "mock", "any", soc)) {
            assertThat(remoteModels.compileSeconds(List.of(f))).isEmpty();
        }
        assertThat(warnings).isEmpty();
    }

    private static Map<?, ?> costModel(Path trace) throws IOException {
        Map<?, ?> json = (Map<?, ?>) JsonReader.read(Files.readString(trace));
        return (Map<?, ?>) ((Map<?, ?>) json.get("otherData")).get("cost_model");
    }

    /** The mock under another toolkit identity: every model key differs, the models do not. */
    protected static OpCompiler withIdentity(MockOpCompiler mock, String identity) {
        return new OpCompiler() {
            @Override
            public String name() {
                return mock.name();
            }

            @Override
            public String cacheIdentity() {
                return identity;
            }

            @Override
            public boolean isSimulated() {
                return true;
            }

            @Override
            public CompileOutcome compile(CompileRequest request) throws InterruptedException {
                return mock.compile(request);
            }
        };
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ_WRITE)
    void eightGeneratorsStartingTogetherCompileEachKeyOnce() throws Exception {
        int nodes = 8;
        List<MockOpCompiler> compilers = new CopyOnWriteArrayList<>();
        CyclicBarrier start = new CyclicBarrier(nodes);
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try {
            List<Future<GenerationResult>> runs = new ArrayList<>();
            for (int n = 0; n < nodes; n++) {
                Path root = dir.resolve("node" + n);
                runs.add(pool.submit(() -> {
                    MockOpCompiler mock = MockOpCompiler.builder().delay("FpToFp16", Duration.ofMillis(50))
                            .delay("TrainCodebook", Duration.ofMillis(50)).build();
                    compilers.add(mock);
                    start.await();  // shutdownNow interrupts it if the test ends first
                    return generate(mock, root, remote().leaseTime(Duration.ofMinutes(5)).build());
                }));
            }
            for (Future<GenerationResult> f : runs) {
                f.get().requireSuccess();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> compiled = compilers.stream().flatMap(c -> c.compiled().stream()).map(OpFile::fileName).toList();
        assertThat(compiled).hasSize((int) distinctJobs()).doesNotHaveDuplicates();
        for (int n = 1; n < nodes; n++) {
            assertThat(modelDigests(dir.resolve("node" + n))).isEqualTo(modelDigests(dir.resolve("node0")));
        }
        try (ModelRegistry registry = raw()) {
            for (OpFile f : plan.files()) {
                assertThat(registry.exists(RegistrySession.LEASES + key(f, compilers.get(0)) + ".0"))
                        .as("every lease is released").isFalse();
            }
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void corruptedModelIsNotInstalledIsRecompiledAndRepairsTheRegistry() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile victim = plan.files().get(0);
        String digest;
        try (ModelStore store = ModelStore.open(dir.resolve("node1"))) {
            digest = store.manifest(victim.set()).entry(victim.fileName()).orElseThrow().models().get(0).sha256();
        }
        try (ModelRegistry registry = raw()) {
            registry.overwrite(RegistrySession.CAS + digest, "tampered".getBytes(StandardCharsets.UTF_8));
        }
        MockOpCompiler second = MockOpCompiler.create();

        generate(second, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(second.compiled()).extracting(OpFile::fileName).contains(victim.fileName());
        assertThat(modelDigests(dir.resolve("node2"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(victim, first)).contains("corrupt"));
        // The recompiled bytes have the digest: they repaired the registry's copy.
        Path copy = dir.resolve("blob");
        try (ModelRegistry registry = raw()) {
            assertThat(registry.readTo(RegistrySession.CAS + digest, copy, 1L << 30)).isTrue();
        }
        assertThat(Sha256.of(copy)).isEqualTo(digest);
        MockOpCompiler third = MockOpCompiler.create();
        generate(third, dir.resolve("node3"), remote().build()).requireSuccess();
        assertThat(third.compiled()).isEmpty();
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void remoteEntryNamingAModelOutsideItsDirectoryIsRefused() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        OpFile victim = plan.files().get(0);
        String key = key(victim, compiler);
        byte[] payload = "not a model".getBytes(StandardCharsets.UTF_8);
        java.security.MessageDigest md = io.ivfsp.files.Sha256.newDigest();
        md.update(payload);
        String sha = io.ivfsp.files.Sha256.hex(md);
        for (String name : List.of("../x.om", "sub/x.om", "..", "/etc/x.om", ".hidden.om")) {
            try (ModelRegistry registry = raw()) {
                registry.overwrite(RegistrySession.CAS + sha, payload);
                registry.overwrite(RegistrySession.AC + key, ("{\"version\":1,\"key\":\"" + key
                        + "\",\"compile_seconds\":1.0,\"models\":[{\"name\":\"" + name + "\",\"size\":" + payload.length
                        + ",\"sha256\":\"" + sha + "\"}]}").getBytes(StandardCharsets.UTF_8));
            }
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
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void entriesAndLeasesNestedDeeplyOrOversizedAreRefusedNotFatal() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        OpFile nested = plan.files().get(0);
        OpFile huge = plan.files().get(1);
        OpFile leased = plan.files().get(2);
        try (ModelRegistry registry = raw()) {
            registry.overwrite(RegistrySession.AC + key(nested, compiler), "[".repeat(60_000).getBytes(StandardCharsets.UTF_8));
            registry.overwrite(RegistrySession.AC + key(huge, compiler), new byte[RegistryEntry.MAX_BYTES + 1]);
            registry.overwrite(RegistrySession.LEASES + key(leased, compiler) + ".0",
                    ("{\"a\":" + "[".repeat(3000)).getBytes(StandardCharsets.UTF_8));
        }

        GenerationResult r = generate(compiler, dir.resolve("node"), remote().build()).requireSuccess();

        assertThat(compiler.compiled()).extracting(OpFile::fileName)
                .contains(nested.fileName(), huge.fileName(), leased.fileName());
        assertThat(r.compiledModels()).isEqualTo(r.modelCount());
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(nested, compiler)).contains("nested"));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(huge, compiler)).contains("larger than"));
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void leaseOfADeadHolderIsTakenOverAfterItExpires() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        // A holder that died: its leases on every key, never renewed, expiring shortly.
        long expires = System.currentTimeMillis() + 1500;
        Set<String> keys = plan.files().stream().map(f -> key(f, compiler)).collect(Collectors.toSet());
        try (ModelRegistry registry = raw()) {
            for (String k : keys) {
                registry.overwrite(RegistrySession.LEASES + k + ".0", ("{\"holder\":\"dead-node/1/x\",\"expires_ms\":"
                        + expires + "}").getBytes(StandardCharsets.UTF_8));
            }
        }

        GenerationResult r = generate(compiler, dir.resolve("node"),
                remote().leaseTime(Duration.ofMillis(500)).build()).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(r.compiledModels()).isEqualTo(r.modelCount());
        try (ModelRegistry registry = raw()) {
            for (String k : keys) {
                assertThat(registry.exists(RegistrySession.AC + k)).isTrue();
                assertThat(registry.exists(RegistrySession.LEASES + k + ".0")).as("taken-over lease released").isFalse();
                assertThat(registry.exists(RegistrySession.LEASES + k + ".1")).as("our lease released").isFalse();
            }
        }
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void fetchInstallsAConfigsModelsWithoutACompiler() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();

        List<StoredModel> installed;
        try (RemoteModels registry = RemoteModels.open(remote().required(true).build(), "mock", first.cacheIdentity(), soc);
             ModelStore store = ModelStore.open(dir.resolve("runtime"))) {
            installed = registry.fetchAll(plan.files(), store);
        }

        assertThat(installed).hasSize(plan.modelCount());
        assertThat(modelDigests(dir.resolve("runtime"))).isEqualTo(modelDigests(dir.resolve("node1")));
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void fetchOfAConfigNobodyPublishedInstallsNothingAndNamesTheKey() throws IOException {
        MockOpCompiler compiler = MockOpCompiler.create();
        generate(compiler, dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile gone = plan.files().get(plan.files().size() - 1);
        try (ModelRegistry registry = raw()) {
            registry.delete(RegistrySession.AC + key(gone, compiler));
        }

        Path target = dir.resolve("runtime-node");
        try (RemoteModels registry = RemoteModels.open(remote().required(true).build(), compiler, soc);
             ModelStore store = ModelStore.open(target)) {
            assertThatThrownBy(() -> registry.fetchAll(plan.files(), store))
                    .isInstanceOfSatisfying(MissingModelsException.class, e -> assertThat(e.missing())
                            .singleElement().satisfies(m -> {
                                assertThat(m.key()).isEqualTo(key(gone, compiler));
                                assertThat(m.file()).isEqualTo(gone);
                            }));
        }
        assertThat(modelDigests(target)).isEmpty();
    }
}
