package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.EnumSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Verification#STAT}: a model whose recorded stat still vouches for it is trusted without being
 * read; a change of content is caught however its size and modification time are kept; a model
 * rewritten too soon after its stat was recorded is read; {@link Verification#HASH} always reads.
 */
class StatVerificationTest {

    @TempDir
    Path root;
    final ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), EnumSet.of(ModelSet.TRAINING));
    OpFile file;
    Path dir;
    Path model;

    @BeforeEach
    void compileOnce() {
        assertThat(generate(Verification.STAT).compiledModels()).isEqualTo(4);
        file = plan.files().get(0);
        dir = root.resolve(file.outputDirectory());
        model = dir.resolve(file.omFileNames().get(0));
    }

    private GenerationResult generate(Verification v) {
        return ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).verification(v).build()
                .generate(plan).requireSuccess();
    }

    private Manifest manifest() throws IOException {
        return Manifest.parse(Files.readString(dir.resolve(Manifest.FILE_NAME)));
    }

    private void writeManifest(Manifest m) throws IOException {
        Files.writeString(dir.resolve(Manifest.FILE_NAME), m.toJson());
    }

    /** Records for the model the stat its file has now, as if taken {@code after} nanoseconds after it last changed. */
    private void recordCurrentStat(Path p, long after) throws IOException {
        ModelStat now = ModelStat.of(p).orElseThrow();
        long changed = Math.max(now.mtimeNanos(), now.ctimeNanos().orElse(Long.MIN_VALUE));
        ModelStat recorded = new ModelStat(now.size(), now.mtimeNanos(), now.ctimeNanos(), now.fileKey(), changed + after);
        Manifest m = manifest();
        Map<String, ModelStat> stats = new TreeMap<>(m.stats());
        stats.put(p.getFileName().toString(), recorded);
        writeManifest(new Manifest(m.entries(), m.placed(), stats));
    }

    /** Every model's stat as if recorded an hour after it last changed: all trusted from now on. */
    private void settle() throws IOException {
        for (String om : plan.files().stream().flatMap(f -> f.omFileNames().stream()).toList()) {
            recordCurrentStat(dir.resolve(om), TimeUnit.HOURS.toNanos(1));
        }
    }

    private byte[] sameSizeOtherContent() throws IOException {
        byte[] b = Files.readAllBytes(model);
        b[b.length - 1] ^= 1;
        return b;
    }

    @Test
    void stat_trustsAModelItsRecordedStatVouchesFor_withoutReadingIt() throws IOException {
        settle();
        // Altered behind the store's back, and its recorded stat forged to match: only reading can tell.
        Files.write(model, sameSizeOtherContent());
        recordCurrentStat(model, TimeUnit.HOURS.toNanos(1));

        assertThat(generate(Verification.STAT).compiledModels()).as("trusted by stat, not read").isZero();
        assertThat(generate(Verification.HASH).compiledModels()).as("hash reads every model").isEqualTo(1);
    }

    @Test
    void stat_aRunWhoseModelsAreAllTrustedRunsNoWorkerAndMakesNoStagingDirectory() throws IOException {
        settle();
        java.util.concurrent.atomic.AtomicInteger tasks = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.Executor counting = r -> {
            tasks.incrementAndGet();
            new Thread(r).start();
        };
        java.util.List<Boolean> stagingExists = new java.util.concurrent.CopyOnWriteArrayList<>();
        ModelGeneratorBuilder b = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root)
                .executor(counting).listener(new io.ivfsp.generate.GenerationListener() {
                    @Override
                    public void jobSucceeded(io.ivfsp.generate.JobProgress p, java.util.List<io.ivfsp.generate.ModelHandle> m) {
                        stagingExists.add(Files.exists(root.resolve(ModelStore.STAGING_DIRECTORY)));
                    }
                });

        GenerationResult warm = b.verification(Verification.STAT).build().generate(plan).requireSuccess();
        assertThat(warm.reusedModels()).isEqualTo(4);
        assertThat(tasks).as("no worker for a run with nothing to read or compile").hasValue(0);
        assertThat(stagingExists).as("while the run reused its jobs").isNotEmpty().containsOnly(false);

        GenerationResult hashed = b.verification(Verification.HASH).build().generate(plan).requireSuccess();
        assertThat(hashed.reusedModels()).isEqualTo(4);
        assertThat(tasks).as("reading models is work for the pool").hasPositiveValue();
    }

    @Test
    void stat_catchesOtherContentOfTheSameSizeRenamedIntoPlaceWithTheModificationTimeRestored() throws IOException {
        settle();
        FileTime mtime = Files.getLastModifiedTime(model);
        Path other = dir.resolve("replacement.tmp");
        Files.write(other, sameSizeOtherContent());
        Files.setLastModifiedTime(other, mtime);
        Files.move(other, model, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        assertThat(Files.size(model)).isEqualTo(manifest().placed().get(model.getFileName().toString()).size());
        assertThat(Files.getLastModifiedTime(model)).isEqualTo(mtime);

        assertThat(generate(Verification.STAT).compiledModels()).isEqualTo(1);
    }

    @Test
    void stat_catchesAModelRewrittenInPlace_sameInode_otherModificationTime() throws IOException {
        settle();
        Object inode = Files.readAttributes(model, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() - 60_000));
        Files.write(model, sameSizeOtherContent());  // truncates and writes: same inode
        Files.setLastModifiedTime(model, FileTime.fromMillis(Files.getLastModifiedTime(model).toMillis() + 5_000));
        assertThat(Files.readAttributes(model, java.nio.file.attribute.BasicFileAttributes.class).fileKey()).isEqualTo(inode);

        assertThat(generate(Verification.STAT).compiledModels()).isEqualTo(1);
    }

    @Test
    void stat_readsAModelRewrittenWithinTheRacyWindowOfItsRecordedStat() throws IOException {
        settle();
        // Rewritten in the same tick of the file system's clock as the stat was taken: size, time and inode
        // all match the record, which was taken right after the change; only the content differs.
        Files.write(model, sameSizeOtherContent());
        recordCurrentStat(model, TimeUnit.MILLISECONDS.toNanos(5));

        assertThat(generate(Verification.STAT).compiledModels()).as("racy: read, found altered").isEqualTo(1);
    }

    @Test
    void stat_aManifestWithoutStatsIsReadOnceThenItsStatsRecorded() throws IOException, InterruptedException {
        Manifest m = manifest();
        writeManifest(new Manifest(m.entries(), m.placed()));
        assertThat(Files.readString(dir.resolve(Manifest.FILE_NAME))).doesNotContain("\"stat\"");
        // Once the models are older than the racy margin, a check by hash records their stats.
        TimeUnit.MILLISECONDS.sleep(TimeUnit.SECONDS.toMillis(ModelStat.RACY_MARGIN_SECONDS) + 200);

        assertThat(generate(Verification.STAT).compiledModels()).isZero();

        Manifest after = manifest();
        assertThat(after.stats()).containsOnlyKeys(after.placed().keySet());
        for (String name : after.placed().keySet()) {
            assertThat(after.stats().get(name).vouchesFor(ModelStat.of(dir.resolve(name)).orElseThrow())).as(name).isTrue();
        }
        assertThat(generate(Verification.STAT).compiledModels()).isZero();
    }

    @Test
    void aModelPlacedAgainHasTheNewFilesStat_racyUntilReadAgain() throws IOException {
        settle();
        Manifest settled = manifest();
        assertThat(settled.stats()).containsKey(model.getFileName().toString());

        Files.write(model, sameSizeOtherContent());
        assertThat(generate(Verification.HASH).compiledModels()).isEqualTo(1);

        // Placed again: the stat now recorded is the new file's, taken right after it was placed (racy).
        ModelStat now = manifest().stats().get(model.getFileName().toString());
        assertThat(now.fileKey()).isNotNull();
        assertThat(now.vouchesFor(ModelStat.of(model).orElseThrow())).isFalse();
    }

    @Test
    void manifest_statFieldsAreTypeChecked() throws IOException {
        settle();
        String text = Files.readString(dir.resolve(Manifest.FILE_NAME), StandardCharsets.UTF_8);
        for (String broken : new String[] {
                text.replaceFirst("\"mtime_ns\":\\s*\\d+", "\"mtime_ns\": \"1\""),
                text.replaceFirst("\"file_key\":\\s*\"[^\"]*\"", "\"file_key\": \"../../etc/passwd\""),
                text.replaceFirst("\"file_key\":\\s*\"[^\"]*\"", "\"file_key\": 7"),
                text.replaceFirst("\"recorded_ns\":\\s*\\d+", "\"recorded_ns\": 1.5"),
                text.replaceFirst("\"ctime_ns\":\\s*\\d+", "\"ctime_ns\": []"),
                text.replaceFirst("(\"stat\":\\s*\\{\\s*\"size\":\\s*)\\d+", "$1999999"),
                text.replaceFirst("\"stat\":\\s*\\{", "\"stat\": [{")}) {
            assertThat(broken).as("the mutation applies").isNotEqualTo(text);
            assertThat(Manifest.parseLeniently(broken).problems()).as(broken).isNotEmpty();
        }
        assertThat(Manifest.parse(text).stats()).isEqualTo(manifest().stats());
    }

    @Test
    void modelStat_vouchesOnlyForTheSameSizeTimesAndFileKey_recordedOutsideTheRacyWindow() {
        long t = 1_700_000_000_000_000_000L;
        long hour = TimeUnit.HOURS.toNanos(1);
        ModelStat recorded = new ModelStat(10, t, OptionalLong.of(t + 1), "(dev=1,ino=2)", t + hour);
        ModelStat same = new ModelStat(10, t, OptionalLong.of(t + 1), "(dev=1,ino=2)", t + 2 * hour);

        assertThat(recorded.vouchesFor(same)).isTrue();
        assertThat(recorded.vouchesFor(new ModelStat(11, t, OptionalLong.of(t + 1), "(dev=1,ino=2)", t))).isFalse();
        assertThat(recorded.vouchesFor(new ModelStat(10, t + 1, OptionalLong.of(t + 1), "(dev=1,ino=2)", t))).isFalse();
        assertThat(recorded.vouchesFor(new ModelStat(10, t, OptionalLong.of(t + 2), "(dev=1,ino=2)", t))).isFalse();
        assertThat(recorded.vouchesFor(new ModelStat(10, t, OptionalLong.empty(), "(dev=1,ino=2)", t))).isFalse();
        assertThat(recorded.vouchesFor(new ModelStat(10, t, OptionalLong.of(t + 1), "(dev=1,ino=3)", t))).isFalse();
        long margin = TimeUnit.SECONDS.toNanos(ModelStat.RACY_MARGIN_SECONDS);
        assertThat(new ModelStat(10, t, OptionalLong.of(t + 1), "(dev=1,ino=2)", t + margin).vouchesFor(same))
                .as("ctime less than the margin before the record").isFalse();
        assertThat(new ModelStat(10, t, OptionalLong.of(t + 1), "(dev=1,ino=2)", t + 1 + margin).vouchesFor(same)).isTrue();
        assertThat(new ModelStat(10, t, OptionalLong.empty(), "k", t + margin - 1)
                .vouchesFor(new ModelStat(10, t, OptionalLong.empty(), "k", t))).as("mtime racy, no ctime").isFalse();
    }
}
