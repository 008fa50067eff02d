package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.files.Sha256;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;
import io.ivfsp.generate.ModelHandle;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Incremental generation against the ATC-like fixture: what is reused, what is rebuilt, and why. */
@Execution(ExecutionMode.CONCURRENT)  // its cases use their own directories and toolkits: side by side, they end sooner
class IncrementalGenerationTest {

    @TempDir
    Path dir;
    FakeToolkit fake;
    Path root;
    /** AICPU and training: 5 jobs, 18 models; enough for every case and quick to compile. */
    final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.of(ModelSet.AICPU, ModelSet.TRAINING));

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        root = Files.createDirectories(dir.resolve("out"));
    }

    private ModelGeneratorBuilder generator() {
        return fake.generator(root);
    }

    /**
     * A generator with the in-process mock compiler, for the tests of what the store keeps and removes,
     * which do not depend on how a model was compiled: no ATC process to start for each of their jobs.
     */
    private ModelGeneratorBuilder mockGenerator() {
        return ModelGenerator.builder().compiler(io.ivfsp.compile.MockOpCompiler.create()).outputRoot(root)
                .parallelism(4);
    }

    private int runsSince(int before) {
        return fake.runs().size() - before;
    }

    private Path model(int fileIndex) {
        OpFile f = plan.files().get(fileIndex);
        return root.resolve(f.outputDirectory()).resolve(f.omFileNames().get(0));
    }

    @Test
    void secondGenerationReusesEveryModelWithoutStartingAtc() {
        GenerationResult first = generator().build().generate(plan);
        int runs = fake.runs().size();

        GenerationResult second = generator().build().generate(plan);

        assertThat(first.compiledModels()).isEqualTo(18);
        assertThat(runsSince(runs)).isZero();
        assertThat(second.isSuccess()).isTrue();
        assertThat(second.reusedModels()).isEqualTo(18);
        assertThat(second.compiledModels()).isZero();
        assertThat(second.models()).allMatch(ModelHandle::reused);
        assertThat(second.models()).extracting(ModelHandle::sha256)
                .containsExactlyElementsOf(first.models().stream().map(ModelHandle::sha256).toList());
    }

    @Test
    void deletedModelRecompilesOnlyItsJob() throws IOException {
        generator().build().generate(plan);
        Files.delete(model(2));
        int runs = fake.runs().size();

        GenerationResult r = generator().build().generate(plan);

        assertThat(runsSince(runs)).isEqualTo(1);
        assertThat(fake.runs().get(fake.runs().size() - 1).arg("singleop")).endsWith(plan.files().get(2).fileName());
        assertThat(r.compiledModels()).isEqualTo(1);
        assertThat(r.reusedModels()).isEqualTo(17);
        assertThat(model(2)).isNotEmptyFile();
    }

    @Test
    void truncatedModelIsCaughtBySize() throws IOException {
        generator().build().generate(plan);
        byte[] content = Files.readAllBytes(model(3));
        Files.write(model(3), java.util.Arrays.copyOf(content, content.length / 2));
        int runs = fake.runs().size();

        generator().build().generate(plan);

        assertThat(runsSince(runs)).isEqualTo(1);
        assertThat(model(3)).hasBinaryContent(content);
    }

    @Test
    void alteredModelOfTheSameSizeIsCaughtByStatAndByHash() throws IOException {
        generator().build().generate(plan);
        byte[] content = Files.readAllBytes(model(4));
        byte[] altered = content.clone();
        altered[altered.length - 2] ^= 1;
        Files.write(model(4), altered);
        int runs = fake.runs().size();

        generator().verification(Verification.STAT).build().generate(plan);
        assertThat(runsSince(runs)).as("its stat changed: read, found altered, compiled").isEqualTo(1);
        assertThat(model(4)).hasBinaryContent(content);

        Files.write(model(4), altered);
        generator().verification(Verification.HASH).build().generate(plan);
        assertThat(runsSince(runs)).isEqualTo(2);
        assertThat(model(4)).hasBinaryContent(content);
    }

    @Test
    void toolkitUpgradeRecompilesEverything() throws IOException {
        generator().build().generate(plan);
        Files.writeString(fake.home().resolve("opp/version.info"), "Version=8.1.0-fake\n");
        int runs = fake.runs().size();

        GenerationResult r = generator().build().generate(plan);

        assertThat(runsSince(runs)).isEqualTo(5);
        assertThat(r.compiledModels()).isEqualTo(18);
    }

    @Test
    void anotherAtcRecompilesEverything() throws IOException {
        generator().build().generate(plan);
        Path atc = fake.home().resolve("bin/atc");
        byte[] patched = (new String(Files.readAllBytes(atc), java.nio.charset.StandardCharsets.ISO_8859_1)
                + "# another build\n").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);  // a program, not text
        FakeToolkit.installExecutable(atc, patched);
        int runs = fake.runs().size();

        generator().build().generate(plan);

        assertThat(runsSince(runs)).isEqualTo(5);
    }

    @Test
    void nonIncrementalGenerationCompilesEverything() {
        generator().build().generate(plan);
        int runs = fake.runs().size();

        generator().incremental(false).build().generate(plan);

        assertThat(runsSince(runs)).isEqualTo(5);
    }

    @Test
    void manifestRecordsKeyModelsAndCompileTime() throws IOException {
        GenerationResult r = generator().build().generate(plan);

        try (ModelStore store = ModelStore.open(root)) {
            Manifest m = store.manifest(ModelSet.AICPU);
            Manifest.Entry e = m.entry("aicpu_topk_ops0.json").orElseThrow();
            assertThat(e.key()).hasSize(64);
            assertThat(e.models()).hasSize(14);
            assertThat(e.compileSeconds()).isPositive();
            ModelHandle first = r.models().stream().filter(h -> h.set() == ModelSet.AICPU).findFirst().orElseThrow();
            assertThat(e.models().get(0)).isEqualTo(new Manifest.Model(first.path().getFileName().toString(),
                    first.size(), first.sha256()));
            assertThat(store.manifest(ModelSet.TRAINING).entries()).hasSize(4);
            assertThat(store.manifest(ModelSet.SERVICE).entries()).as("service and AICPU share op_models").hasSize(1);
        }
    }

    @Test
    void cacheKeyChangesWithWhatDecidesTheModelAndNothingElse() {
        OpFile f = plan.files().get(0);
        String key = CacheKey.of(f, "Ascend310P3", "atc", "opp=1");

        assertThat(CacheKey.of(f, "Ascend310P3", "atc", "opp=1")).isEqualTo(key);
        assertThat(CacheKey.of(f, "Ascend910B4", "atc", "opp=1")).isNotEqualTo(key);
        assertThat(CacheKey.of(f, "Ascend310P3", "native", "opp=1")).isNotEqualTo(key);
        assertThat(CacheKey.of(f, "Ascend310P3", "atc", "opp=2")).isNotEqualTo(key);
        assertThat(CacheKey.of(plan.files().get(1), "Ascend310P3", "atc", "opp=1")).isNotEqualTo(key);
        OpFile renamed = OpCatalog.plan(IvfspConfig.builder().processId(7).build(), ModelSet.AICPU).files().get(0);
        assertThat(CacheKey.of(renamed, "Ascend310P3", "atc", "opp=1")).as("the file name is not part of it")
                .isEqualTo(key);
    }

    @Test
    void pruneRemovesOnlyRecordedModelsNoPlanNeeds() throws IOException {
        ModelPlan a = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);
        mockGenerator().build().generate(a);
        mockGenerator().build().generate(b);
        Path userFile = Files.writeString(root.resolve("op_models/mine.om"), "not ivfsp's");
        Path aOnlyChanged = root.resolve("op_models").resolve(a.files().get(3).omFileNames().get(0));
        Files.writeString(aOnlyChanged, "edited by hand");

        List<Path> removed = mockGenerator().build().prune(b);

        Set<String> aOnly = a.files().stream().flatMap(f -> f.omFileNames().stream()).collect(Collectors.toSet());
        b.files().forEach(f -> aOnly.removeAll(f.omFileNames()));
        assertThat(removed).extracting(p -> p.getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(aOnly.stream().filter(n -> !n.equals(aOnlyChanged.getFileName().toString())).toList());
        assertThat(userFile).exists();
        assertThat(aOnlyChanged).hasContent("edited by hand");
        for (OpFile f : b.files()) {
            assertThat(root.resolve("op_models").resolve(f.omFileNames().get(0))).isNotEmptyFile();
        }
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries().keySet())
                    .containsExactlyInAnyOrderElementsOf(b.files().stream().map(OpFile::fileName).toList());
        }
    }

    @Test
    void readOnlyOutputDirectoryIsRefusedNamingThePath() throws Exception {
        StoreFaults readOnly = target -> {
            if (target.startsWith(root.resolve("op_models"))) {
                throw new AccessDeniedException(target.toString(), null, "Read-only file system");
            }
        };
        generator().build().generate(plan);

        try (AutoCloseable injected = StoreFaults.inject(root, readOnly)) {
            assertThatThrownBy(() -> generator().build().generate(plan))
                    .isInstanceOf(OutputRefusedException.class).hasMessageContaining(root.resolve("op_models").toString())
                    .hasMessageContaining("Read-only file system");
        }
    }

    @Test
    void fullDiskFailsTheJobNamingThePathAndKeepsTheModelsThatWereThere() throws Exception {
        generator().build().generate(plan);
        Map<Path, String> before = hashes();
        Files.writeString(fake.home().resolve("opp/version.info"), "Version=9-fake\n");
        StoreFaults full = target -> {
            if (target.getFileName().toString().startsWith("0_MatmulCompute")) {
                throw new IOException("No space left on device: " + target);
            }
        };

        GenerationResult r;
        try (AutoCloseable injected = StoreFaults.inject(root, full)) {
            r = generator().build().generate(plan);
        }

        assertThat(r.failures()).hasSize(2).allSatisfy(f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
            assertThat(f.detail()).contains("No space left on device").contains(root.resolve("op_models_pyacl").toString());
        });
        Map<Path, String> after = hashes();
        for (Map.Entry<Path, String> e : before.entrySet()) {
            if (e.getKey().getFileName().toString().startsWith("0_MatmulCompute")) {
                assertThat(after).containsEntry(e.getKey(), e.getValue());
            }
        }
    }

    private Map<Path, String> hashes() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            Map<Path, String> m = new java.util.HashMap<>();
            for (Path p : s.filter(p -> p.toString().endsWith(".om")).toList()) {
                m.put(p, Sha256.of(p));
            }
            return m;
        }
    }

    @Test
    void twoGeneratorsInOneJvmCompileEachModelExactlyOnce() {
        fake.configure(Map.of("delay_ms", 50));
        CompletableFuture<GenerationResult> a = CompletableFuture.supplyAsync(() -> generator().build().generate(plan));
        CompletableFuture<GenerationResult> b = CompletableFuture.supplyAsync(() -> generator().build().generate(plan));

        GenerationResult ra = a.join();
        GenerationResult rb = b.join();

        assertThat(ra.isSuccess()).isTrue();
        assertThat(rb.isSuccess()).isTrue();
        // Every JSON file went to ATC exactly once, whichever generator ran it...
        assertThat(fake.runs()).extracting(run -> Path.of(run.arg("singleop")).getFileName().toString())
                .containsExactlyInAnyOrderElementsOf(plan.files().stream().map(OpFile::fileName).toList());
        // ...and every model was compiled by exactly one of them and reused by the other.
        Map<Path, Long> compiledBy = Stream.concat(ra.models().stream(), rb.models().stream())
                .filter(h -> !h.reused()).collect(Collectors.groupingBy(ModelHandle::path, Collectors.counting()));
        Set<Path> expected = plan.files().stream().flatMap(f -> f.omFileNames().stream()
                .map(n -> root.resolve(f.outputDirectory()).resolve(n))).collect(Collectors.toSet());
        assertThat(compiledBy.keySet()).isEqualTo(expected);
        assertThat(compiledBy.values()).containsOnly(1L);
        assertThat(ra.models()).hasSameSizeAs(rb.models()).hasSize(expected.size());
    }

    @Test
    void pruneWritesTheManifestBeforeItRemovesAnyModel() throws Exception {
        ModelPlan a = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
        ModelPlan b = OpCatalog.plan(IvfspConfig.builder().nlist(2048).processId(1).build(), ModelSet.SERVICE);
        mockGenerator().build().generate(a);
        mockGenerator().build().generate(b);
        Path manifest = root.resolve("op_models").resolve(Manifest.FILE_NAME);
        List<String> trackedAtRemoval = new java.util.ArrayList<>();
        // Called as each model is about to go: what would a crash right now leave on disk?
        StoreFaults observe = target -> {
            if (target.toString().endsWith(".om")) {
                Manifest onDisk = Manifest.parse(Files.readString(manifest));
                String name = target.getFileName().toString();
                if (onDisk.placed().containsKey(name) || onDisk.entries().values().stream()
                        .anyMatch(e -> e.models().stream().anyMatch(m -> m.name().equals(name)))) {
                    trackedAtRemoval.add(name);
                }
            }
        };

        List<Path> removed;
        try (AutoCloseable injected = StoreFaults.inject(root, observe)) {
            removed = mockGenerator().build().prune(b);
        }

        assertThat(removed).isNotEmpty();
        assertThat(trackedAtRemoval).as("models still tracked by the manifest on disk when removed").isEmpty();
    }

    @Test
    void stagingOfDeadRunsIsRemovedAndLiveOnesKept() throws IOException {
        Path staging = Files.createDirectories(root.resolve(ModelStore.STAGING_DIRECTORY));
        Path dead = Files.createDirectories(staging.resolve("run-00000000-0000-0000-0000-000000000001"));
        Files.createFile(dead.resolve(".lock"));
        Files.writeString(Files.createDirectories(dead.resolve("job/out")).resolve("x.om"), "half");
        Path notOurs = Files.createDirectories(staging.resolve("keep-me"));
        Path noLock = Files.createDirectories(staging.resolve("run-00000000-0000-0000-0000-000000000002"));
        Path startingNow = Files.createDirectories(staging.resolve("new-00000000-0000-0000-0000-000000000003"));
        Path diedStarting = Files.createDirectories(staging.resolve("new-00000000-0000-0000-0000-000000000004"));
        Files.setLastModifiedTime(diedStarting, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

        try (ModelStore live = ModelStore.open(root); ModelStore other = ModelStore.open(root)) {
            assertThat(dead).doesNotExist();
            assertThat(diedStarting).doesNotExist();
            assertThat(notOurs).isDirectory();
            assertThat(noLock).as("a run- directory is renamed into place only once locked").isDirectory();
            assertThat(startingNow).as("may be a run being created right now").isDirectory();
            try (Stream<Path> s = Files.list(staging)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith("run-")))
                        .as("a store starts its run's directory when it first writes").hasSize(1);
            }
            live.stage(plan.files().get(0));
            other.stage(plan.files().get(0));
            try (Stream<Path> s = Files.list(staging)) {
                assertThat(s.filter(p -> p.getFileName().toString().startsWith("run-"))).hasSize(3);
            }
        }
        try (Stream<Path> s = Files.list(staging)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("closed runs removed their directories")
                    .containsExactlyInAnyOrder("keep-me", noLock.getFileName().toString(), startingNow.getFileName().toString());
        }
    }
}
