package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.files.NotARegularFileException;
import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.Waits;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.Resources;

/**
 * How the store reads a directory's manifest: never through a link, never blocked by a writer holding
 * its lock, repaired at its first read when corrupt (and the directory's stats then trusted no more),
 * read again when changed within its last clock tick, and what happens when its lock cannot be had.
 */
class ManifestReadingTest {

    @TempDir
    Path root;

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files(ModelSet.SERVICE).get(0);
    private final String key = "a".repeat(64);

    private Path dir() {
        return root.resolve(file.outputDirectory());
    }

    private Path manifestFile() {
        return dir().resolve(Manifest.FILE_NAME);
    }

    /** Writes the models of {@code file} into place by hand and records them. */
    private List<StoredModel> place(ModelStore store) throws IOException {
        Files.createDirectories(dir());
        List<StoredModel> models = new ArrayList<>();
        for (String om : file.omFileNames()) {
            Path p = Files.writeString(dir().resolve(om), "model " + om);
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
        }
        store.record(file, key, models, Duration.ofSeconds(1));
        return models;
    }

    /** The manifest with every placed model's stat as if taken an hour after the file last changed: trusted by stat. */
    private void settleStats() throws IOException {
        Manifest m = Manifest.parse(Files.readString(manifestFile()));
        Map<String, ModelStat> stats = new TreeMap<>();
        for (String name : m.placed().keySet()) {
            ModelStat now = ModelStat.of(dir().resolve(name)).orElseThrow();
            long changed = Math.max(now.mtimeNanos(), now.ctimeNanos().orElse(Long.MIN_VALUE));
            stats.put(name, new ModelStat(now.size(), now.mtimeNanos(), now.ctimeNanos(), now.fileKey(),
                    changed + TimeUnit.HOURS.toNanos(1)));
        }
        Files.writeString(manifestFile(), new Manifest(m.entries(), m.placed(), stats).toJson());
    }

    /** The manifest's text with {@code extra} JSON members added to its "files" object. */
    private void addToFiles(String extra) throws IOException {
        String text = Files.readString(manifestFile());
        assertThat(text).contains("\"files\": {\"");
        Files.writeString(manifestFile(), text.replace("\"files\": {\"", "\"files\": {" + extra + ", \""));
    }

    private List<Path> movedAside() throws IOException {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().startsWith(Manifest.FILE_NAME + ManifestStore.CORRUPT_SUFFIX))
                    .toList();
        }
    }

    /** A manifest whose one entry has one model of size 1 and a digest of 64 {@code digit}s: same size for any digit. */
    private Manifest manifestOfOneModelWithDigest(char digit) {
        Manifest.Model model = new Manifest.Model(file.omFileNames().get(0), 1, String.valueOf(digit).repeat(64));
        return Manifest.empty().with(file.fileName(), new Manifest.Entry(key, List.of(model), 1));
    }

    /** Runs {@code action} with what it logs to stderr (slf4j-simple) captured. */
    private static String stderrOf(ThrowingRunnable action) throws Exception {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            action.run();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    /** The line of {@code log} that says the manifest of this test is corrupt (other tests may log meanwhile). */
    private String corruptWarning(String log) {
        return log.lines().filter(l -> l.contains("the manifest " + manifestFile() + " is corrupt")).findFirst()
                .orElseThrow(() -> new AssertionError("no warning about " + manifestFile() + " in: " + log));
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }

    @Test
    void aLinkInPlaceOfTheManifestIsNotFollowed_readsAsEmpty_andIsNotRecordedThrough() throws IOException {
        List<StoredModel> models;
        try (ModelStore store = ModelStore.open(root)) {
            models = place(store);
        }
        Path real = Files.move(manifestFile(), root.resolve("real-manifest.json"));
        String realText = Files.readString(real);
        Files.createSymbolicLink(manifestFile(), real);

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.manifest(ModelSet.SERVICE).entries()).as("read through the link").isEmpty();
            assertThat(store.reusable(file, key, Verification.HASH)).isEmpty();
            assertThatThrownBy(() -> store.record(file, key, models, Duration.ofSeconds(1)))
                    .isInstanceOf(NotARegularFileException.class).hasMessageContaining(manifestFile().toString());
        }
        assertThat(Files.isSymbolicLink(manifestFile())).isTrue();
        assertThat(real).hasContent(realText);
    }

    @Test
    void aLinkPutInPlaceOfTheManifestWhileItIsUpdatedIsRefusedAndLeftAlone() throws IOException {
        Files.createDirectories(dir());
        Path elsewhere = Files.writeString(root.resolve("elsewhere.json"), "not the store's");
        try (StagingArea staging = StagingArea.open(root.resolve(ModelStore.STAGING_DIRECTORY), StoreFaults.NONE)) {
            ManifestStore manifests = new ManifestStore(root.resolve(ModelStore.LOCK_DIRECTORY), new KnownDirectories(), staging, StoreFaults.NONE);
            Manifest.Model model = new Manifest.Model(file.omFileNames().get(0), 1, "b".repeat(64));

            // Another program (not ivfsp: it does not take the lock) plants a link between the read and the write.
            assertThatThrownBy(() -> manifests.update(dir(), m -> {
                try {
                    Files.createSymbolicLink(manifestFile(), elsewhere);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                return m.placing(List.of(model));
            })).isInstanceOf(OutputRefusedException.class).hasMessageContaining(manifestFile().toString());
        }
        assertThat(Files.isSymbolicLink(manifestFile())).as("the link is not replaced").isTrue();
        assertThat(elsewhere).hasContent("not the store's");
    }

    @Test
    void aValidManifestIsReadWithoutWaitingForAWriterHoldingItsLock() throws Exception {
        try (ModelStore store = ModelStore.open(root)) {
            place(store);
        }
        Path lockFile = root.resolve(ModelStore.LOCK_DIRECTORY).resolve("manifest-" + file.outputDirectory() + ".lock");
        try (ModelStore store = ModelStore.open(root);
             FileLocks.HeldLock writer = FileLocks.acquire(lockFile, () -> false, false).orElseThrow()) {
            // A reader that waited for the writer's lock (held by this thread) would wait until the test's
            // timeout; on a thread of its own, in case that wait is not one an interrupt ends.
            Manifest read = Waits.onItsOwnThread("the manifest read while a writer holds its lock",
                    () -> store.manifest(ModelSet.SERVICE));
            assertThat(read.entry(file.fileName())).isPresent();
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void theStatsOfModelsVerifiedByHashAreRecordedAtTheFirstCloseOnly_aSecondCloseWritesAndWarnsNothing() throws Exception {
        List<StoredModel> models;
        try (ModelStore store = ModelStore.open(root)) {
            models = place(store);
        }
        Manifest noStats = Manifest.parse(Files.readString(manifestFile()));
        Files.writeString(manifestFile(), new Manifest(noStats.entries(), noStats.placed()).toJson());
        // Only models older than the racy margin leave a stat that could vouch for them.
        TimeUnit.MILLISECONDS.sleep(TimeUnit.SECONDS.toMillis(ModelStat.RACY_MARGIN_SECONDS) + 200);
        ModelStore store = ModelStore.open(root);
        assertThat(store.reusable(file, key, Verification.HASH)).as("verified by hash").hasValue(models);

        store.close();
        assertThat(Manifest.parse(Files.readString(manifestFile())).stats()).as("recorded at close")
                .containsOnlyKeys(file.omFileNames());
        String recorded = Files.readString(manifestFile());
        String log = stderrOf(store::close);

        assertThat(log).doesNotContain(manifestFile().toString());
        assertThat(manifestFile()).hasContent(recorded);
    }

    @Test
    void aStatCheckTrustsASettledStatWithoutReadingTheModel_aHashCheckReadsIt() throws Exception {
        List<StoredModel> models;
        try (ModelStore store = ModelStore.open(root)) {
            models = place(store);
        }
        // Changed in place keeping its size, then a stat of it recorded as settled: only reading can tell.
        Path first = models.get(0).path();
        Files.writeString(first, "X" + Files.readString(first).substring(1));
        settleStats();

        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.reusable(file, key, Verification.STAT)).as("by stat").hasValue(models);
            assertThat(store.reusable(file, key, Verification.HASH)).as("by hash").isEmpty();
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void aCorruptManifestIsRepairedAtItsFirstRead_andNoStatIsTrustedInItsDirectoryAfterwards() throws Exception {
        List<StoredModel> models;
        try (ModelStore store = ModelStore.open(root)) {
            models = place(store);
        }
        settleStats();
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.trusted(store.manifest(file.set()), file, key)).as("control: the settled stats vouch").hasValue(models);
        }
        addToFiles("\"bad.json\":{\"key\":1}");

        try (ModelStore store = ModelStore.open(root)) {
            String log = stderrOf(() -> assertThat(store.manifest(ModelSet.SERVICE).entry(file.fileName())).isPresent());

            assertThat(movedAside()).as("moved aside by the read alone").hasSize(1);
            assertThat(Manifest.parse(Files.readString(manifestFile())).entries()).containsOnlyKeys(file.fileName());
            assertThat(corruptWarning(log)).contains("is corrupt (entry 'bad.json'").doesNotContain(" more)");
            assertThat(store.trusted(store.manifest(file.set()), file, key)).as("a repaired directory's stats are not trusted").isEmpty();
            assertThat(store.reusable(file, key, Verification.STAT)).as("but its models are, once hashed").hasValue(models);
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void theWarningAboutACorruptManifestSaysHowManyMoreProblemsItHad() throws Exception {
        try (ModelStore store = ModelStore.open(root)) {
            place(store);
        }
        addToFiles("\"bad.json\":{\"key\":1},\"worse.json\":{\"key\":2},\"worst.json\":3");

        try (ModelStore store = ModelStore.open(root)) {
            String log = stderrOf(() -> store.manifest(ModelSet.SERVICE));

            assertThat(corruptWarning(log)).contains("is corrupt (entry 'bad.json'").contains(" and 2 more)");
        }
    }

    @Test
    @ResourceLock(Resources.SYSTEM_ERR)  // replaces System.err to read what the log says of its own files
    void aCorruptManifestWhoseLockCannotBeHadReadsAsWhatCouldBeReadOfIt() throws Exception {
        try (ModelStore store = ModelStore.open(root)) {
            place(store);
        }
        addToFiles("\"bad.json\":{\"key\":1}");
        String corrupt = Files.readString(manifestFile());
        Path locks = root.resolve(ModelStore.LOCK_DIRECTORY);

        try (ModelStore store = ModelStore.open(root)) {
            // After the store's checks: a file appears where its lock directory goes.
            try (Stream<Path> s = Files.list(locks)) {
                for (Path p : s.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(locks);
            Files.writeString(locks, "in the way");

            String log = stderrOf(() -> assertThat(store.manifest(ModelSet.SERVICE).entries()).containsOnlyKeys(file.fileName()));

            assertThat(log).contains("could not repair the manifest " + manifestFile());
        }
        assertThat(manifestFile()).as("left as it was").hasContent(corrupt);
        assertThat(movedAside()).isEmpty();
    }

    @Test
    void aRecordInterruptedWhileWaitingForTheManifestLockFailsAndChangesNothing() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            List<StoredModel> models = place(store);
            String before = Files.readString(manifestFile());

            Thread.currentThread().interrupt();
            try {
                assertThatThrownBy(() -> store.record(file, "c".repeat(64), models, Duration.ofSeconds(2)))
                        .isInstanceOf(IOException.class).hasMessageContaining("interrupted")
                        .hasMessageContaining(manifestFile().toString());
            } finally {
                Thread.interrupted();
            }
            assertThat(manifestFile()).hasContent(before);
        }
    }

    @Test
    void aManifestRewrittenInPlaceKeepingItsSizeAndModificationTimeIsReadAgainWhileThatTimeIsNotSettled() throws IOException {
        Files.createDirectories(dir());
        Manifest first = manifestOfOneModelWithDigest('a');
        Manifest second = manifestOfOneModelWithDigest('b');
        assertThat(second.toJson()).hasSameSizeAs(first.toJson());
        // A clock ahead of this machine's (a network file system): never settled, so never cached.
        FileTime ahead = FileTime.from(Instant.now().plus(Duration.ofHours(1)));

        try (ModelStore store = ModelStore.open(root)) {
            Files.writeString(manifestFile(), first.toJson());
            Files.setLastModifiedTime(manifestFile(), ahead);
            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(first);
            Object inode = Files.readAttributes(manifestFile(), "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino");

            Files.writeString(manifestFile(), second.toJson());  // in place: same inode, same size
            Files.setLastModifiedTime(manifestFile(), ahead);
            assertThat(Files.readAttributes(manifestFile(), "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino")).isEqualTo(inode);

            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(second);
        }
    }

    @Test
    void aManifestRewrittenInPlaceWithinItsLastSecondsKeepingSizeAndModificationTimeIsReadAgain() throws IOException {
        Files.createDirectories(dir());
        Manifest first = manifestOfOneModelWithDigest('a');
        Manifest second = manifestOfOneModelWithDigest('b');
        FileTime justNow = FileTime.from(Instant.now());

        try (ModelStore store = ModelStore.open(root)) {
            Files.writeString(manifestFile(), first.toJson());
            Files.setLastModifiedTime(manifestFile(), justNow);
            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(first);

            Files.writeString(manifestFile(), second.toJson());  // in place: same inode, same size, same time
            Files.setLastModifiedTime(manifestFile(), justNow);

            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(second);
        }
    }

    @Test
    void anUpdateReadsTheManifestPastTheCache_soAChangeTheCacheCannotSeeIsNotLost() throws IOException {
        Files.createDirectories(dir());
        Manifest first = manifestOfOneModelWithDigest('a');
        Manifest second = manifestOfOneModelWithDigest('b');
        FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));
        Path dir = dir();

        try (StagingArea staging = StagingArea.open(root.resolve(ModelStore.STAGING_DIRECTORY), StoreFaults.NONE)) {
            ManifestStore manifests = new ManifestStore(root.resolve(ModelStore.LOCK_DIRECTORY), new KnownDirectories(),
                    staging, StoreFaults.NONE);
            Files.writeString(manifestFile(), first.toJson());
            Files.setLastModifiedTime(manifestFile(), anHourAgo);
            assertThat(manifests.read(dir)).as("read, settled: cached").isEqualTo(first);
            // Rewritten in place by hand keeping inode, size and time: the cache cannot tell.
            Files.writeString(manifestFile(), second.toJson());
            Files.setLastModifiedTime(manifestFile(), anHourAgo);

            List<Manifest> seen = new ArrayList<>();
            manifests.update(dir, m -> {
                seen.add(m);
                return m;
            });

            assertThat(seen).containsExactly(second);
        }
        assertThat(Manifest.parse(Files.readString(manifestFile()))).isEqualTo(second);
    }

    @Test
    void aSettledManifestIsReadOnceAndAgainWhenReplaced() throws IOException {
        Files.createDirectories(dir());
        Manifest first = manifestOfOneModelWithDigest('a');
        Manifest second = manifestOfOneModelWithDigest('b');
        FileTime anHourAgo = FileTime.from(Instant.now().minus(Duration.ofHours(1)));

        try (ModelStore store = ModelStore.open(root)) {
            Files.writeString(manifestFile(), first.toJson());
            Files.setLastModifiedTime(manifestFile(), anHourAgo);
            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(first);
            assertThat(store.manifest(ModelSet.SERVICE)).as("read again, unchanged").isEqualTo(first);

            // Replaced as every writer does, by a rename; even its modification time kept.
            Path next = Files.writeString(dir().resolve("next"), second.toJson());
            Files.setLastModifiedTime(next, anHourAgo);
            Files.move(next, manifestFile(), java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);

            assertThat(store.manifest(ModelSet.SERVICE)).isEqualTo(second);
        }
    }

    @Test
    void aFileInPlaceOfTheModelDirectoryReadsAsNoManifest() throws IOException {
        try (ModelStore store = ModelStore.open(root)) {
            Files.writeString(dir(), "not a directory");

            assertThat(store.manifest(ModelSet.SERVICE).entries()).isEmpty();
            assertThat(store.reusable(file, key, Verification.HASH)).isEmpty();
        }
        assertThat(dir()).hasContent("not a directory");
    }
}
