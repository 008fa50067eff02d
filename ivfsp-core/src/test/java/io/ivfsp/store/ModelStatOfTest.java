package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a model's stat is taken from (the file itself, never a link) and when two stats describe one file state. */
class ModelStatOfTest {

    @TempDir
    Path dir;

    private static long nanosNow() {
        Instant i = Instant.now();
        return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
    }

    @Test
    void ofARegularFile_isItsSizeTimesAndIdentity_takenNow() throws IOException {
        Path f = Files.writeString(dir.resolve("0_A.om"), "twelve bytes");
        FileTime mtime = FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z"));
        Files.setLastModifiedTime(f, mtime);
        Map<String, Object> unix = Files.readAttributes(f, "unix:ctime,fileKey", LinkOption.NOFOLLOW_LINKS);

        long before = nanosNow();
        ModelStat s = ModelStat.of(f).orElseThrow();
        long after = nanosNow();

        assertThat(s.size()).isEqualTo(12);
        assertThat(s.mtimeNanos()).isEqualTo(mtime.to(TimeUnit.NANOSECONDS));
        assertThat(s.ctimeNanos()).isEqualTo(OptionalLong.of(((FileTime) unix.get("ctime")).to(TimeUnit.NANOSECONDS)));
        assertThat(s.fileKey()).isEqualTo(unix.get("fileKey").toString());
        assertThat(s.recordedNanos()).isBetween(before, after);
    }

    @Test
    void ofALinkADirectoryOrNothing_isEmpty() throws IOException {
        Path f = Files.writeString(dir.resolve("0_A.om"), "x");

        assertThat(ModelStat.of(Files.createSymbolicLink(dir.resolve("0_L.om"), f))).isEmpty();
        assertThat(ModelStat.of(Files.createDirectory(dir.resolve("0_D.om")))).isEmpty();
        assertThat(ModelStat.of(dir.resolve("0_N.om"))).isEmpty();
    }

    @Test
    void onAFileSystemThatGivesNoFileIdentity_thereIsNoStat_soModelsAreVerifiedByHash() throws IOException {
        Path zip = dir.resolve("models.zip");
        try (java.nio.file.FileSystem zipfs = java.nio.file.FileSystems.newFileSystem(zip, Map.of("create", "true"))) {
            Path f = Files.writeString(zipfs.getPath("0_A.om"), "x");
            Path d = Files.createDirectory(zipfs.getPath("1_B.om"));

            assertThat(ModelStat.of(f)).as("a regular file without a file key").isEmpty();
            assertThat(ModelStat.of(d)).isEmpty();
            assertThat(ModelStat.of(zipfs.getPath("2_C.om"))).isEmpty();
        }
    }

    @Test
    void sameFileAs_comparesSizeTimesAndIdentity_notWhenTheyWereTaken() {
        ModelStat s = new ModelStat(10, 100, OptionalLong.of(200), "(dev=1,ino=2)", 1_000);

        assertThat(s.sameFileAs(new ModelStat(10, 100, OptionalLong.of(200), "(dev=1,ino=2)", 9_000))).isTrue();
        assertThat(s.sameFileAs(new ModelStat(11, 100, OptionalLong.of(200), "(dev=1,ino=2)", 1_000))).isFalse();
        assertThat(s.sameFileAs(new ModelStat(10, 101, OptionalLong.of(200), "(dev=1,ino=2)", 1_000))).isFalse();
        assertThat(s.sameFileAs(new ModelStat(10, 100, OptionalLong.of(201), "(dev=1,ino=2)", 1_000))).isFalse();
        assertThat(s.sameFileAs(new ModelStat(10, 100, OptionalLong.empty(), "(dev=1,ino=2)", 1_000))).isFalse();
        assertThat(s.sameFileAs(new ModelStat(10, 100, OptionalLong.of(200), "(dev=1,ino=3)", 1_000))).isFalse();
    }

    @Test
    void vouchesFor_exactlyTheRacyMarginAfterTheLastChangeIsEnough() {
        long margin = TimeUnit.SECONDS.toNanos(ModelStat.RACY_MARGIN_SECONDS);
        long t = 1_000_000_000_000L;
        ModelStat file = new ModelStat(10, t, OptionalLong.of(t), "k", t);

        assertThat(new ModelStat(10, t, OptionalLong.of(t), "k", t + margin).vouchesFor(file)).isTrue();
        assertThat(new ModelStat(10, t, OptionalLong.of(t), "k", t + margin - 1).vouchesFor(file)).isFalse();
        assertThat(new ModelStat(10, t, OptionalLong.of(t), "k", t - margin).vouchesFor(file)).as("taken before the change").isFalse();
    }
}
