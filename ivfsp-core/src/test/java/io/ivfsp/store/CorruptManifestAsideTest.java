package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where a corrupt manifest is kept: under {@code .corrupt-<UTC time>}, or that name and a unique suffix
 * when another took the name at the same moment; as a second link, so the manifest's name is never empty;
 * copied where links fail, unless too large to copy (then moved). When no name can be had, it is not
 * repaired this time and what could be read of it is used.
 */
class CorruptManifestAsideTest {

    @TempDir
    Path root;

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files(ModelSet.SERVICE).get(0);
    private String corrupt;

    private Path dir() {
        return root.resolve(file.outputDirectory());
    }

    private Path manifestFile() {
        return dir().resolve(Manifest.FILE_NAME);
    }

    @BeforeEach
    void recordOneFileThenCorruptTheManifest() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Path d = Files.createDirectories(dir());
            List<StoredModel> models = new ArrayList<>();
            for (String om : file.omFileNames()) {
                Path p = Files.writeString(d.resolve(om), "model " + om);
                models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
            }
            store.record(file, "a".repeat(64), models, Duration.ofSeconds(1));
        }
        String text = Files.readString(manifestFile());
        assertThat(text).contains("\"files\": {\"");
        corrupt = text.replace("\"files\": {\"", "\"files\": {\"bad.json\": {\"key\": 1}, \"");
        Files.writeString(manifestFile(), corrupt);
    }

    private List<Path> keptAside() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(Manifest.FILE_NAME + ManifestStore.CORRUPT_SUFFIX))
                    .sorted().toList();
        }
    }

    private static boolean isAsideName(Path target) {
        return target.getFileName().toString().contains(ManifestStore.CORRUPT_SUFFIX);
    }

    /** Reads the service manifest through a store with {@code faults}; the entries read. */
    private Manifest read(StoreFaults faults) throws Exception {
        try (AutoCloseable injected = StoreFaults.inject(root, faults); ModelStore store = ModelStore.open(root)) {
            return store.manifest(ModelSet.SERVICE);
        }
    }

    @Test
    void aCorruptManifestIsKeptAsideUnderTheUtcTimeOfItsRepair() throws Exception {
        assertThat(read(StoreFaults.NONE).entries()).containsOnlyKeys(file.fileName());

        assertThat(keptAside()).singleElement().satisfies(aside -> {
            assertThat(aside.getFileName().toString())
                    .matches("\\.ivfsp-manifest\\.json\\.corrupt-\\d{8}T\\d{6}\\.\\d{3}Z");
            assertThat(aside).hasContent(corrupt);
        });
        assertThat(Manifest.parse(Files.readString(manifestFile())).entries()).containsOnlyKeys(file.fileName());
    }

    @Test
    void aNameTakenByAnotherAtTheSameMomentIsLeftAndTheManifestKeptUnderAUniqueOne() throws Exception {
        List<Path> planted = new ArrayList<>();
        StoreFaults takenOnce = target -> {
            if (isAsideName(target) && planted.isEmpty()) {
                planted.add(Files.writeString(target, "another generator's"));
            }
        };

        assertThat(read(takenOnce).entries()).containsOnlyKeys(file.fileName());

        assertThat(planted).singleElement().satisfies(p -> assertThat(p).hasContent("another generator's"));
        List<Path> aside = new ArrayList<>(keptAside());
        aside.remove(planted.get(0));
        assertThat(aside).singleElement().satisfies(p -> {
            assertThat(p.getFileName().toString()).startsWith(planted.get(0).getFileName() + "-");
            assertThat(p).hasContent(corrupt);
        });
        assertThat(Manifest.parse(Files.readString(manifestFile())).entries()).containsOnlyKeys(file.fileName());
    }

    @Test
    void whenBothNamesAreTakenTheManifestIsNotRepairedThisTimeAndWhatCouldBeReadIsUsed() throws Exception {
        List<Path> planted = new ArrayList<>();
        StoreFaults alwaysTaken = target -> {
            if (isAsideName(target)) {
                planted.add(Files.writeString(target, "another generator's"));
            }
        };

        assertThat(read(alwaysTaken).entries()).containsOnlyKeys(file.fileName());

        assertThat(planted).hasSize(2).allSatisfy(p -> assertThat(p).hasContent("another generator's"));
        assertThat(keptAside()).containsExactlyInAnyOrderElementsOf(planted);
        assertThat(manifestFile()).as("left as it was").hasContent(corrupt);
    }

    /** Links fail for the names a corrupt manifest is kept under; records whether its name was empty at its rewrite. */
    private StoreFaults linksFail(List<Boolean> presentAtRewrite) {
        return target -> {
            if (isAsideName(target)) {
                throw new FileSystemException(target.toString(), null, "Operation not permitted");
            }
            if (target.equals(manifestFile())) {
                presentAtRewrite.add(Files.exists(target));
            }
        };
    }

    @Test
    void whereLinksFailACorruptManifestIsCopiedAside_soItsNameIsNeverEmpty() throws Exception {
        List<Boolean> presentAtRewrite = new ArrayList<>();

        assertThat(read(linksFail(presentAtRewrite)).entries()).containsOnlyKeys(file.fileName());

        assertThat(presentAtRewrite).containsExactly(true);
        assertThat(keptAside()).singleElement().satisfies(p -> assertThat(p).hasContent(corrupt));
    }

    /** A corrupt manifest of {@code size} bytes: blanks, then something that is not JSON. */
    private byte[] corruptOfSize(long size) throws IOException {
        byte[] bytes = new byte[(int) size];
        Arrays.fill(bytes, (byte) ' ');
        bytes[bytes.length - 1] = 'x';
        Files.write(manifestFile(), bytes);
        return bytes;
    }

    @Test
    void whereLinksFailACorruptManifestOfTheLargestSizeReadIsStillCopied() throws Exception {
        byte[] bytes = corruptOfSize(ManifestReader.MAX_BYTES);
        List<Boolean> presentAtRewrite = new ArrayList<>();

        assertThat(read(linksFail(presentAtRewrite)).entries()).isEmpty();

        assertThat(presentAtRewrite).containsExactly(true);
        assertThat(keptAside()).singleElement().satisfies(p -> assertThat(p).hasBinaryContent(bytes));
    }

    @Test
    void whereLinksFailACorruptManifestTooLargeToReadIsMovedAsideRatherThanCopied() throws Exception {
        byte[] bytes = corruptOfSize(ManifestReader.MAX_BYTES + 1);
        List<Boolean> presentAtRewrite = new ArrayList<>();

        assertThat(read(linksFail(presentAtRewrite)).entries()).isEmpty();

        assertThat(presentAtRewrite).as("moved: the name is empty until the rewrite").containsExactly(false);
        assertThat(keptAside()).singleElement().satisfies(p -> assertThat(Files.size(p)).isEqualTo(bytes.length));
        assertThat(Files.readString(manifestFile(), StandardCharsets.UTF_8)).isEqualTo(Manifest.empty().toJson());
    }
}
