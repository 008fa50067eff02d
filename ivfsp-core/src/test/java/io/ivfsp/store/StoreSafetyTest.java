package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.Waits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's trust boundaries, tried as someone who can write the output root would: names in a
 * manifest, links, FIFOs and directories where the store's files go, corrupt and huge manifests,
 * foreign objects, a full disk.
 */
@Execution(ExecutionMode.CONCURRENT)  // its cases use their own directories and toolkits: side by side, they end sooner
class StoreSafetyTest {

    @TempDir
    Path dir;

    private final ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);
    private final ModelPlan all = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class));

    private GenerationResult generate(Path root, MockOpCompiler mock, ModelPlan plan) {
        return ModelGenerator.builder().compiler(mock).outputRoot(root).build().generate(plan);
    }

    private GenerationResult generate(Path root, ModelPlan plan) {
        return generate(root, MockOpCompiler.create(), plan);
    }

    private static String sha(Path p) throws IOException {
        return io.ivfsp.files.Sha256.of(p);
    }

    private static Set<String> omFiles(Path d) throws IOException {
        if (!Files.isDirectory(d)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".om")).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    // ---- 1. prune and every delete touch only regular files directly in the directory, by catalog names

    @Test
    void pruneNeverFollowsANameOrLinkInTheManifestOutOfItsDirectory() throws Exception {
        Path root = dir.resolve("root");
        generate(root, service);
        Path models = root.resolve("op_models");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Path victim = Files.writeString(outside.resolve("0_Victim.om"), "precious");
        Files.createSymbolicLink(models.resolve("sub"), outside);
        Path link = Files.createSymbolicLink(models.resolve("0_Link.om"), victim);
        Path fifo = StoreTesting.mkfifo(models.resolve("1_Fifo.om"));
        Path directory = Files.createDirectory(models.resolve("2_Dir.om"));
        List<String> names = List.of("../../outside/0_Victim.om", "../0_Victim.om", victim.toString(), "sub/0_Victim.om",
                "sub\\0_Victim.om", ".", "..", "", "0_Victim.om\u0000", "0_Vic\ntim.om", "0_Victim.json", "0_Victim",
                "0_Link.om", "1_Fifo.om", "2_Dir.om");
        String sha = sha(victim);
        Map<String, Object> entries = new LinkedHashMap<>();
        for (int i = 0; i < names.size(); i++) {
            entries.put("evil" + i + ".json", Map.of("key", "k", "compile_seconds", 1.0,
                    "models", List.of(Map.of("name", names.get(i), "size", 8L, "sha256", sha))));
        }
        Files.writeString(models.resolve(Manifest.FILE_NAME),
                io.ivfsp.json.JsonWriter.write(Map.of("version", 1, "files", entries)));

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        List<Path> removed = Waits.onItsOwnThread("prune", () -> {
            try (ModelStore store = ModelStore.open(root)) {
                return store.prune(List.of());
            }
        });

        assertThat(victim).hasContent("precious");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isSymbolicLink(models.resolve("sub"))).isTrue();
        assertThat(fifo).exists();
        assertThat(directory).isDirectory();
        assertThat(removed).allSatisfy(p -> {
            assertThat(p.getParent()).isEqualTo(models);
            assertThat(service.files().stream().anyMatch(f -> f.omFileNames().contains(p.getFileName().toString()))).isTrue();
        });
    }

    @Test
    void aLinkOrOtherNonFileAtARecordedModelNameIsLeftAloneByPrune() throws Exception {
        Path root = dir.resolve("root");
        generate(root, service);
        Path models = root.resolve("op_models");
        Path outside = Files.createDirectories(dir.resolve("outside"));
        // Replace recorded models by a link to a copy of themselves, a FIFO and a directory.
        List<String> recorded = service.files().stream().flatMap(f -> f.omFileNames().stream()).limit(3).toList();
        Path copy = Files.copy(models.resolve(recorded.get(0)), outside.resolve(recorded.get(0)));
        Files.delete(models.resolve(recorded.get(0)));
        Files.createSymbolicLink(models.resolve(recorded.get(0)), copy);
        Files.delete(models.resolve(recorded.get(1)));
        StoreTesting.mkfifo(models.resolve(recorded.get(1)));
        Files.delete(models.resolve(recorded.get(2)));
        Files.createDirectory(models.resolve(recorded.get(2)));

        // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
        List<Path> removed = Waits.onItsOwnThread("prune", () -> {
            try (ModelStore store = ModelStore.open(root)) {
                return store.prune(List.of());
            }
        });

        assertThat(copy).exists();
        assertThat(Files.isSymbolicLink(models.resolve(recorded.get(0)))).isTrue();
        assertThat(models.resolve(recorded.get(1))).exists();
        assertThat(models.resolve(recorded.get(2))).isDirectory();
        assertThat(removed).extracting(p -> p.getFileName().toString()).doesNotContainAnyElementsOf(recorded);
    }

    // ---- 2. the store remembers every model it placed until it removes it

    @Test
    void pruneAfterAConfigChangeLeavesWhatAFreshRunHasPlusFilesTheStoreNeverPlaced() throws IOException {
        ModelPlan d256 = OpCatalog.plan(IvfspConfig.builder().dim(256).build(), EnumSet.allOf(ModelSet.class));
        ModelPlan d128 = OpCatalog.plan(IvfspConfig.builder().dim(128).build(), EnumSet.allOf(ModelSet.class));
        Path fresh = dir.resolve("fresh");
        generate(fresh, d128);
        Path root = dir.resolve("root");
        generate(root, d256);
        Path mine = Files.writeString(root.resolve("op_models").resolve("0_Mine_1_2.om"), "a user's model");
        Path mineToo = Files.writeString(root.resolve("op_models_pyacl").resolve("notes.txt"), "a user's file");

        generate(root, d128);
        ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().prune(d128);

        for (String set : List.of("op_models", "op_models_pyacl")) {
            Set<String> expected = new TreeSet<>(omFiles(fresh.resolve(set)));
            if (set.equals("op_models")) {
                expected.add(mine.getFileName().toString());
            }
            assertThat(omFiles(root.resolve(set))).as(set).isEqualTo(expected);
        }
        assertThat(mine).hasContent("a user's model");
        assertThat(mineToo).hasContent("a user's file");
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).placed().keySet()).isEqualTo(omFiles(fresh.resolve("op_models")));
        }
    }

    // ---- 3, 4, 6. links, FIFOs, directories and files where the store's own things go: refused before ATC

    /** Plants something in a root where generating {@code all} would write. */
    private interface Plant {
        Path at(Path root) throws Exception;
    }

    @Test
    void foreignObjectsWhereTheStoreWritesAreRefusedNamingThemBeforeAnyCompile() throws Exception {
        OpFile json = service.files().get(0);
        String model = json.omFileNames().get(0);
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Map<String, Plant> cases = new LinkedHashMap<>();
        cases.put("staging as a regular file", r -> Files.writeString(r.resolve(ModelStore.STAGING_DIRECTORY), "x"));
        cases.put("staging as a dangling link", r -> Files.createSymbolicLink(r.resolve(ModelStore.STAGING_DIRECTORY), outside.resolve("gone")));
        cases.put("staging as a link to a directory", r -> Files.createSymbolicLink(r.resolve(ModelStore.STAGING_DIRECTORY), outside));
        cases.put("staging as a FIFO", r -> StoreTesting.mkfifo(r.resolve(ModelStore.STAGING_DIRECTORY)));
        cases.put("locks as a regular file", r -> Files.writeString(r.resolve(ModelStore.LOCK_DIRECTORY), "x"));
        cases.put("locks as a link to a directory", r -> Files.createSymbolicLink(r.resolve(ModelStore.LOCK_DIRECTORY), outside));
        cases.put("a lock file as a dangling link", r -> Files.createSymbolicLink(
                Files.createDirectories(r.resolve(ModelStore.LOCK_DIRECTORY)).resolve("manifest-op_models.lock"), outside.resolve("made")));
        cases.put("a lock file as a FIFO", r -> StoreTesting.mkfifo(
                Files.createDirectories(r.resolve(ModelStore.LOCK_DIRECTORY)).resolve("manifest-op_models.lock")));
        cases.put("a lock file as a directory", r -> Files.createDirectories(r.resolve(ModelStore.LOCK_DIRECTORY).resolve("job-x.lock")));
        cases.put("the manifest as a directory", r -> Files.createDirectories(r.resolve("op_models").resolve(Manifest.FILE_NAME)));
        cases.put("the manifest as a FIFO", r -> StoreTesting.mkfifo(Files.createDirectories(r.resolve("op_models")).resolve(Manifest.FILE_NAME)));
        cases.put("the manifest as a link", r -> Files.createSymbolicLink(Files.createDirectories(r.resolve("op_models_pyacl"))
                .resolve(Manifest.FILE_NAME), Files.writeString(outside.resolve("m.json"), "{}")));
        cases.put("config as a regular file", r -> Files.writeString(r.resolve("config"), "x"));
        cases.put("a JSON file as a FIFO", r -> StoreTesting.mkfifo(Files.createDirectories(r.resolve("config")).resolve(json.fileName())));
        cases.put("a JSON file as a directory", r -> Files.createDirectories(r.resolve("config").resolve(json.fileName())));
        cases.put("a model directory as a FIFO", r -> StoreTesting.mkfifo(r.resolve("op_models_pyacl")));
        cases.put("a model directory as a link", r -> Files.createSymbolicLink(r.resolve("op_models"), outside));
        cases.put("a model as a directory", r -> Files.createDirectories(r.resolve("op_models").resolve(model)));
        cases.put("a model as a FIFO", r -> StoreTesting.mkfifo(Files.createDirectories(r.resolve("op_models")).resolve(model)));

        int i = 0;
        for (Map.Entry<String, Plant> c : cases.entrySet()) {
            Path root = Files.createDirectories(dir.resolve("root" + i++));
            Path planted = c.getValue().at(root);
            MockOpCompiler mock = MockOpCompiler.create();

            // On a thread of its own: a FIFO opened by mistake would block where no interrupt reaches.
            Waits.onItsOwnThread("generate", () -> assertThatThrownBy(() -> generate(root, mock, all))
                    .as(c.getKey()).isInstanceOf(OutputRefusedException.class).hasMessageContaining(planted.toString()));

            assertThat(mock.compiled()).as(c.getKey()).isEmpty();
            assertThat(Files.exists(planted, LinkOption.NOFOLLOW_LINKS)).as(c.getKey() + ": left in place").isTrue();
        }
        try (Stream<Path> s = Files.list(outside)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("nothing created outside the roots")
                    .containsExactlyInAnyOrder("m.json");
        }
    }

    @Test
    void pruneRefusesALinkInPlaceOfAModelDirectoryOrManifest() throws Exception {
        Path root = dir.resolve("root");
        generate(root, service);
        Path models = root.resolve("op_models");
        Path moved = Files.move(models, dir.resolve("elsewhere"));
        Files.createSymbolicLink(models, moved);

        assertThatThrownBy(() -> {
            try (ModelStore store = ModelStore.open(root)) {
                store.prune(List.of());
            }
        }).isInstanceOf(OutputRefusedException.class).hasMessageContaining(models.toString());

        assertThat(omFiles(moved)).hasSize(service.files().stream().mapToInt(f -> f.ops().size()).sum());
    }

    // ---- 5. a corrupt manifest is a cache miss, repaired once, never a dead end

    @Test
    void everyKindOfCorruptManifestIsMovedAsideAndRebuiltAndTheRunSucceeds() throws Exception {
        byte[] huge = new byte[(int) ManifestReader.MAX_BYTES + 1024];
        java.util.Arrays.fill(huge, (byte) ' ');
        huge[huge.length - 2] = '{';
        huge[huge.length - 1] = '}';
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("5000 nested arrays", "[".repeat(5000).getBytes(StandardCharsets.US_ASCII));
        cases.put("100000 nested objects", "{\"a\":".repeat(100_000).getBytes(StandardCharsets.US_ASCII));
        cases.put("larger than the cap", huge);
        cases.put("not UTF-8", new byte[] {'{', (byte) 0xff, (byte) 0xfe, '}'});
        cases.put("not JSON", "manifest? what manifest".getBytes(StandardCharsets.US_ASCII));
        cases.put("empty", new byte[0]);
        cases.put("another version", "{\"version\":99,\"files\":{}}".getBytes(StandardCharsets.US_ASCII));
        cases.put("wrong types", "{\"version\":2,\"files\":{\"a.json\":{\"key\":1,\"models\":\"x\"}},\"placed\":{}}"
                .getBytes(StandardCharsets.US_ASCII));
        cases.put("a negative size", ("{\"version\":1,\"files\":{\"a.json\":{\"key\":\"k\",\"compile_seconds\":1,"
                + "\"models\":[{\"name\":\"0_A.om\",\"size\":-1,\"sha256\":\"" + "0".repeat(64) + "\"}]}}}").getBytes(StandardCharsets.US_ASCII));

        int i = 0;
        for (Map.Entry<String, byte[]> c : cases.entrySet()) {
            Path root = dir.resolve("root" + i++);
            Path manifest = Files.createDirectories(root.resolve("op_models")).resolve(Manifest.FILE_NAME);
            Files.write(manifest, c.getValue());

            GenerationResult r = generate(root, service);

            assertThat(r.isSuccess()).as(c.getKey()).isTrue();
            try (Stream<Path> s = Files.list(root.resolve("op_models"))) {
                List<Path> aside = s.filter(p -> p.getFileName().toString().startsWith(Manifest.FILE_NAME + ".corrupt-")).toList();
                assertThat(aside).as(c.getKey()).hasSize(1);
                assertThat(aside.get(0)).as(c.getKey()).hasBinaryContent(c.getValue());
            }
            Manifest rebuilt = Manifest.parse(Files.readString(manifest));
            assertThat(rebuilt.entries().keySet()).as(c.getKey())
                    .containsExactlyInAnyOrderElementsOf(service.files().stream().map(OpFile::fileName).toList());
            assertThat(generate(root, service).reusedModels()).as(c.getKey() + ": the next run reuses everything")
                    .isEqualTo(r.models().size());
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void aRepairedManifestKeepsItsGoodEntriesAndItsModelsAreCheckedByHash() throws IOException {
        Path root = dir.resolve("root");
        generate(root, service);
        Path models = root.resolve("op_models");
        Path manifest = models.resolve(Manifest.FILE_NAME);
        String text = Files.readString(manifest);
        // One bad entry among good ones, and a model altered without changing its size.
        Files.writeString(manifest, text.replace("\"files\": {", "\"files\": {\"evil.json\": {\"key\": \"k\", "
                + "\"compile_seconds\": 1.0, \"models\": [{\"name\": \"../../x.om\", \"size\": 1, \"sha256\": \"x\"}]}, "));
        assertThat(Files.readString(manifest)).contains("evil.json");
        OpFile victim = service.files().get(3);
        Path altered = models.resolve(victim.omFileNames().get(0));
        byte[] content = Files.readAllBytes(altered);
        byte[] bytes = content.clone();
        bytes[bytes.length - 1] ^= 1;
        Files.write(altered, bytes);
        MockOpCompiler mock = MockOpCompiler.create();

        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        GenerationResult r;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            r = generate(root, mock, service);  // size verification asked for: the repair makes it hash
        } finally {
            System.setErr(err);
        }

        assertThat(r.isSuccess()).isTrue();
        assertThat(mock.compiled()).containsExactly(victim);
        assertThat(altered).hasBinaryContent(content);
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log.split(java.util.regex.Pattern.quote(manifest + " is corrupt"), -1)).as(log).hasSize(2);
    }

    // ---- 7. a full disk names the file being written and the space left

    @Test
    void aFailedWriteNamesTheFileAndTheSpaceLeftOnItsFileSystem() throws Exception {
        Path root = dir.resolve("root");
        Files.createDirectories(root);
        Path manifest = root.resolve("op_models").resolve(Manifest.FILE_NAME);
        OpFile json = service.files().get(0);
        Path jsonPath = root.resolve("config").resolve(json.fileName());
        StoreFaults full = target -> {
            if (target.equals(manifest) || target.equals(jsonPath)) {
                throw new IOException("No space left on device");
            }
        };
        try (AutoCloseable injected = StoreFaults.inject(root, full)) {
            assertThatThrownBy(() -> generate(root, service)).isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining(jsonPath.toString()).hasMessageContaining("No space left on device")
                    .hasMessageMatching("(?s).*\\d+ bytes free on .*");
            Files.createDirectories(jsonPath.getParent());
            Files.write(jsonPath, json.jsonBytes());  // already right: not written again

            GenerationResult r = generate(root, service);

            assertThat(r.failures()).isNotEmpty().allSatisfy(f -> {
                assertThat(f.kind()).isEqualTo(CompileFailure.Kind.PUBLISH);
                assertThat(f.detail()).contains(manifest.toString()).contains("No space left on device")
                        .containsPattern("\\d+ bytes free on ");
            });
        }
    }

    @Test
    void aFailedModelMoveNamesTheModelAndTheSpaceLeft() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        List<String> failed = new ArrayList<>();
        StoreFaults full = target -> {
            if (target.toString().endsWith(".om")) {
                failed.add(target.toString());
                throw new IOException("No space left on device");
            }
        };
        GenerationResult r;
        try (AutoCloseable injected = StoreFaults.inject(root, full)) {
            r = generate(root, service);
        }
        assertThat(r.failures()).hasSize(service.files().size()).allSatisfy(f ->
                assertThat(f.detail()).contains(root.resolve("op_models").toString()).containsPattern("\\d+ bytes free on "));
    }

    @Test
    void modelsPublishedByARunThatDiedBeforeRecordingThemAreStillPruned() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path models = root.resolve("op_models");
        Path manifest = models.resolve(Manifest.FILE_NAME);
        // The run "dies" once a model is in place: every later manifest write fails, as none happens
        // after a kill -9, so models are moved into place and never recorded by their job.
        List<Path> moved = java.util.Collections.synchronizedList(new ArrayList<>());
        StoreFaults dies = target -> {
            if (target.toString().endsWith(".om")) {
                moved.add(target);
            } else if (target.equals(manifest) && !moved.isEmpty()) {
                throw new IOException("killed");
            }
        };
        try (AutoCloseable injected = StoreFaults.inject(root, dies)) {
            generate(root, service);
        }
        Set<String> published = omFiles(models);
        assertThat(published).as("models moved into place before the run died").isNotEmpty();
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(service.files().stream().filter(f -> store.manifest(ModelSet.SERVICE).entry(f.fileName()).isPresent()))
                    .as("jobs recorded").hasSizeLessThan(service.files().size());
        }

        List<Path> removed;
        try (ModelStore store = ModelStore.open(root)) {
            removed = store.prune(List.of());
        }

        assertThat(omFiles(models)).isEmpty();
        assertThat(removed).extracting(p -> p.getFileName().toString()).containsAll(published);
    }
}
