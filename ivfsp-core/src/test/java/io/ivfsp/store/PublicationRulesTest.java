package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a compiler's output must be to be published (each expected model a non-empty regular file), and
 * what a model found intact by hash leaves for the next run (its stat, unless the file changed too
 * recently for a stat to tell).
 */
class PublicationRulesTest {

    @TempDir
    Path root;

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.TRAINING).files().get(0);

    private interface Plant {
        void at(Path model, Path elsewhere) throws IOException;
    }

    @Test
    void aModelThatIsMissingEmptyALinkOrADirectoryIsMissing_aNonEmptyRegularFileIsNot() throws IOException {
        List<Plant> missing = List.of(
                (m, e) -> { },
                (m, e) -> Files.createFile(m),
                (m, e) -> Files.createSymbolicLink(m, Files.writeString(e, "model")),
                (m, e) -> Files.createDirectory(m));
        try (ModelStore store = ModelStore.open(root)) {
            for (int i = 0; i < missing.size(); i++) {
                try (ModelStore.Staging job = store.stage(file)) {
                    Path first = job.out().resolve(file.omFileNames().get(0));
                    missing.get(i).at(first, job.dir().resolve("elsewhere"));
                    assertThat(store.missingModels(file, job)).as("case " + i).contains(file.omFileNames().get(0));
                }
            }
            try (ModelStore.Staging job = store.stage(file)) {
                for (String om : file.omFileNames()) {
                    Files.writeString(job.out().resolve(om), "model");
                }
                assertThat(store.missingModels(file, job)).isEmpty();
            }
        }
    }

    @Test
    void aModelReadByHashThatChangedTooRecentlyForItsStatToTellHasNoStatRecorded() throws IOException {
        Path dir = root.resolve(file.outputDirectory());
        String key = "a".repeat(64);
        try (ModelStore store = ModelStore.open(root)) {
            Files.createDirectories(dir);
            List<StoredModel> models = new ArrayList<>();
            for (String om : file.omFileNames()) {
                Path p = Files.writeString(dir.resolve(om), "model " + om);
                // A clock ahead (a network file system): whenever this runs, the file changed after "now".
                Files.setLastModifiedTime(p, FileTime.from(Instant.now().plus(Duration.ofHours(1))));
                models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
            }
            store.record(file, key, models, Duration.ofSeconds(1));
        }
        Manifest recorded = Manifest.parse(Files.readString(dir.resolve(Manifest.FILE_NAME)));

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.reusable(file, key, Verification.STAT)).as("intact by hash").isPresent();
        }

        Manifest after = Manifest.parse(Files.readString(dir.resolve(Manifest.FILE_NAME)));
        assertThat(after.stats()).as("no stat that could vouch").isEqualTo(recorded.stats());
        for (ModelStat s : after.stats().values()) {
            assertThat(s.vouchesFor(s)).isFalse();
        }
    }
}
