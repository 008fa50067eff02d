package io.ivfsp.remote.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.ModelRegistries;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.RegistryLimitException;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;
import io.ivfsp.testing.ModelTrees;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The s3:// registry against Adobe's S3Mock, a real S3 server started in this JUnit run. */
class S3RegistryTest {

    @RegisterExtension
    static final S3MockExtension S3 = S3MockExtension.builder().silent().withInitialBuckets("models").build();

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    @TempDir
    Path dir;
    /** A fresh prefix per test: the tests share one server. */
    String prefix;
    final List<String> warnings = new CopyOnWriteArrayList<>();
    final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.of(ModelSet.AICPU, ModelSet.TRAINING));
    final String soc = IvfspConfig.defaults().socVersion();

    @BeforeEach
    void setUp() {
        prefix = "fleet-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + S3.getHttpPort());
    }

    private RemoteSettings.Builder remote() {
        return RemoteSettings.builder("s3://models/" + prefix).endpoint(endpoint()).region("us-east-1")
                .credentials("AKIAIOSFODNN7EXAMPLE", SECRET).environment(Map.of()).timeout(Duration.ofSeconds(10))
                .warnings(warnings::add);
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
        return CacheKey.of(f, soc, compiler.name(), RemoteModels.registryIdentity(compiler));
    }

    @Test
    void s3MockAnswersAConditionalPutOnAnExistingKeyWith412() {
        try (S3Client raw = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build()) {
            String key = prefix + "/conditional";
            raw.putObject(r -> r.bucket("models").key(key).ifNoneMatch("*"), RequestBody.fromString("first"));
            assertThatThrownBy(() -> raw.putObject(r -> r.bucket("models").key(key).ifNoneMatch("*"),
                    RequestBody.fromString("second")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
            assertThat(raw.getObjectAsBytes(r -> r.bucket("models").key(key)).asUtf8String()).isEqualTo("first");
        }
    }

    @Test
    void registryCreatesOnceReadsBoundedAndFindsItsImplementationByScheme() throws IOException {
        try (ModelRegistry registry = ModelRegistries.open(remote().build())) {
            assertThat(registry).isInstanceOf(S3Registry.class);
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
                    start.await(2, TimeUnit.MINUTES);
                    return generate(mock, root, remote().leaseTime(Duration.ofMinutes(5)).build());
                }));
            }
            for (Future<GenerationResult> f : runs) {
                f.get(5, TimeUnit.MINUTES).requireSuccess();
            }
        } finally {
            pool.shutdownNow();
        }
        List<String> compiled = compilers.stream().flatMap(c -> c.compiled().stream()).map(OpFile::fileName).toList();
        assertThat(compiled).hasSize((int) distinctJobs()).doesNotHaveDuplicates();
        for (int n = 1; n < nodes; n++) {
            assertThat(modelDigests(dir.resolve("node" + n))).isEqualTo(modelDigests(dir.resolve("node0")));
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void corruptedModelIsNotInstalledAndIsRecompiled() throws IOException {
        MockOpCompiler first = MockOpCompiler.create();
        generate(first, dir.resolve("node1"), remote().build()).requireSuccess();
        OpFile victim = plan.files().get(0);
        String digest;
        try (ModelStore store = ModelStore.open(dir.resolve("node1"))) {
            digest = store.manifest(victim.set()).entry(victim.fileName()).orElseThrow().models().get(0).sha256();
        }
        try (ModelRegistry registry = ModelRegistries.open(remote().build())) {
            registry.overwrite("cas/sha256/" + digest, "tampered".getBytes(StandardCharsets.UTF_8));
        }
        MockOpCompiler second = MockOpCompiler.create();

        generate(second, dir.resolve("node2"), remote().build()).requireSuccess();

        assertThat(second.compiled()).extracting(OpFile::fileName).contains(victim.fileName());
        assertThat(modelDigests(dir.resolve("node2"))).isEqualTo(modelDigests(dir.resolve("node1")));
        assertThat(warnings).anySatisfy(w -> assertThat(w).contains(key(victim, first)));
    }

    @Test
    void fetchInstallsTheModelsWithoutACompiler() throws IOException {
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
    void unreachableEndpointCompilesLocallyWithOneWarningAndNoSecret() throws IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RemoteSettings down = remote().endpoint(URI.create("http://127.0.0.1:" + closedPort)).retries(1)
                .timeout(Duration.ofSeconds(2)).build();
        MockOpCompiler compiler = MockOpCompiler.create();

        generate(compiler, dir.resolve("node"), down).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("s3://models/" + prefix)
                .contains("compiling locally").doesNotContain(SECRET));
        assertThat(down.toString()).doesNotContain(SECRET).contains("****");
    }

    @Test
    void pathStyleEndpointComesFromTheStandardVariable() {
        RemoteSettings fromEnv = RemoteSettings.builder("s3://models/" + prefix)
                .environment(Map.of("AWS_ENDPOINT_URL", endpoint().toString(), "AWS_ACCESS_KEY_ID", "x",
                        "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "eu-west-1"))
                .warnings(warnings::add).build();
        MockOpCompiler compiler = MockOpCompiler.create();

        generate(compiler, dir.resolve("node"), fromEnv).requireSuccess();
        generate(MockOpCompiler.create(), dir.resolve("node2"), fromEnv).requireSuccess();

        assertThat(warnings).isEmpty();
        assertThat(S3Registry.endpoint(fromEnv)).contains(endpoint());
    }

    @Test
    void invalidBucketOrEndpointIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> S3Registry.open(RemoteSettings.builder("s3://A_B/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--remote");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://models").endpoint(URI.create("ftp://host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--remote-endpoint");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://key:secret@models/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret@");
    }
}
