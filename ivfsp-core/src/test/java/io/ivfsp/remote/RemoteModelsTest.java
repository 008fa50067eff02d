package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.files.Sha256;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One node's use of the registry, job by job, on the {@code file://} registry: what {@link RemoteModels#claim}
 * answers in each situation, what {@link RemoteModels#publish} reports, and what a node without a registry,
 * with read-only credentials or with a registry that is down does.
 */
class RemoteModelsTest {

    private static final String SOC = IvfspConfig.defaults().socVersion();

    @TempDir
    Path dir;
    private final List<String> warnings = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> opened = new ArrayList<>();
    /** Files of distinct contents (so of distinct keys and model bytes) from the default plan. */
    private final List<OpFile> files = distinctContents();
    private final OpFile file = files.get(0);

    private static List<OpFile> distinctContents() {
        java.util.Set<String> seen = new java.util.HashSet<>();
        return OpCatalog.plan(IvfspConfig.defaults(), java.util.EnumSet.allOf(ModelSet.class)).files().stream()
                .filter(f -> seen.add(f.outputDirectory() + "/" + f.json())).toList();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
    }

    private Path registryDir() throws IOException {
        return Files.createDirectories(dir.resolve("registry"));
    }

    private RemoteSettings.Builder settings() throws IOException {
        return RemoteSettings.builder(registryDir().toUri().toString()).warnings(warnings::add);
    }

    /** A node with the mock compiler's identity. */
    private RemoteModels node() throws IOException {
        return node(settings().build(), "mock-identity");
    }

    private RemoteModels node(RemoteSettings settings, String identity) {
        RemoteModels r = RemoteModels.open(settings, "mock", identity, SOC);
        opened.add(r);
        return r;
    }

    private ModelStore store(String name) {
        ModelStore s = ModelStore.open(dir.resolve(name));
        opened.add(s);
        return s;
    }

    private ModelRegistry raw() throws IOException {
        return FileRegistry.open(registryDir().toUri());
    }

    /** What compiling {@code f} gave on some node: a model per op, its content depending on {@code salt}. */
    private List<StoredModel> compiled(OpFile f, String salt) throws IOException {
        Path d = Files.createDirectories(dir.resolve("compiled-" + salt + "-" + f.name()));
        List<StoredModel> models = new ArrayList<>();
        for (String name : f.omFileNames()) {
            Path p = Files.writeString(d.resolve(name), salt + " " + name);
            models.add(new StoredModel(p, Files.size(p), Sha256.of(p)));
        }
        return models;
    }

    private RemoteModels.Claim claim(RemoteModels node, OpFile f, ModelStore store) {
        return node.claim(f, List.of(f), node.key(f), store, true, false, () -> false);
    }

    private List<String> registryObjects() throws IOException {
        Path root = registryDir();
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void withoutARegistryEveryJobCompilesLocallyAndNothingIsPublished() throws IOException {
        try (RemoteModels none = RemoteModels.none()) {
            assertThat(none.enabled()).isFalse();
            assertThat(none.uri()).isEmpty();
            assertThat(claim(none, file, store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
            assertThat(none.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.SKIPPED);
            assertThat(none.compileSeconds(files)).isEmpty();
            assertThat(none.hasEntry(file)).isFalse();
            assertThatThrownBy(() -> none.fetchAll(files, store("node"))).isInstanceOf(RemoteRegistryException.class)
                    .hasMessageContaining("(none)").hasMessageContaining("not available");
        }
    }

    @Test
    void theKeyCoversTheContentTheSocTheBackendAndTheToolkitIdentity() throws IOException {
        RemoteModels node = node();

        assertThat(node.key(file)).isEqualTo(CacheKey.of(file, SOC, "mock", "mock-identity"));
        assertThat(node.uri()).hasValue(registryDir().toUri());
        assertThat(node(settings().build(), "other-identity").key(file)).isNotEqualTo(node.key(file));
    }

    @Test
    void registryIdentity_ofACompilerWithoutAToolkitIsItsCacheIdentity() {
        MockOpCompiler mock = MockOpCompiler.create();

        assertThat(RemoteModels.registryIdentity(mock)).isEqualTo(mock.cacheIdentity());
    }

    @Test
    void atcIdentity_isTheCannVersionStripped() {
        assertThat(RemoteModels.atcIdentity(" 8.0.RC1 ")).isEqualTo("cann-version=8.0.RC1");
    }

    @Test
    void versionOf_takesTheFirstNonEmptyVersionLine() {
        assertThat(RemoteModels.versionOf("Name=opp\n  Version= 8.0.RC1 \nVersion=9")).hasValue("8.0.RC1");
        assertThat(RemoteModels.versionOf("Version=\nversion_dir=x\nVersion=7.0")).hasValue("7.0");
        assertThat(RemoteModels.versionOf("Name=opp\nMyVersion=1")).isEmpty();
        assertThat(RemoteModels.versionOf("")).isEmpty();
    }

    @Test
    void claim_aKeyNobodyHasIsLeasedToThisNode() throws IOException {
        RemoteModels node = node();

        RemoteModels.Claim c = claim(node, file, store("node"));

        assertThat(c).isInstanceOfSatisfying(RemoteModels.Compile.class, compile -> assertThat(compile.lease())
                .hasValueSatisfying(l -> assertThat(l.name()).isEqualTo("leases/" + node.key(file) + ".0")));
        assertThat(raw().exists("leases/" + node.key(file) + ".0")).isTrue();
    }

    @Test
    void claim_whenRebuildingNeitherFetchesNorLeases() throws IOException {
        RemoteModels publisher = node();
        publisher.publish(file, compiled(file, "a"), Duration.ofSeconds(1));
        List<String> before = registryObjects();

        RemoteModels.Claim c = node().claim(file, List.of(file), "k", store("node"), false, false, () -> false);

        assertThat(c).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(registryObjects()).isEqualTo(before);
    }

    @Test
    void claim_fetchesWhatAnotherNodePublishedAndRecordsItForEveryMember() throws IOException {
        RemoteModels publisher = node();
        List<StoredModel> theirs = compiled(file, "a");
        assertThat(publisher.publish(file, theirs, Duration.ofMillis(2500))).isEqualTo(RemoteModels.Published.PUBLISHED);
        OpFile twin = new OpFile("Twin", file.set(), file.ops());
        ModelStore store = store("node2");

        RemoteModels.Claim c = node().claim(file, List.of(file, twin), "record-key", store, true, false, () -> false);

        assertThat(c).isInstanceOfSatisfying(RemoteModels.Fetched.class, f -> {
            assertThat(f.compileSeconds()).isEqualTo(2.5);
            assertThat(f.models()).extracting(StoredModel::sha256).isEqualTo(theirs.stream().map(StoredModel::sha256).toList());
            assertThat(f.models()).allSatisfy(m -> assertThat(m.path()).startsWith(store.modelDirectory(file.set())));
        });
        Manifest manifest = store.manifest(file.set());
        for (OpFile member : List.of(file, twin)) {
            assertThat(manifest.entry(member.fileName())).as(member.fileName()).hasValueSatisfying(e -> {
                assertThat(e.key()).isEqualTo("record-key");
                assertThat(e.compileSeconds()).isEqualTo(2.5);
            });
        }
        assertThat(warnings).isEmpty();
    }

    @Test
    void claim_whileAnotherNodeHoldsTheLeaseIsBusyUnlessItWaits() throws IOException {
        RemoteModels holder = node();
        assertThat(claim(holder, file, store("holder"))).isInstanceOf(RemoteModels.Compile.class);
        RemoteModels other = node();

        assertThat(claim(other, file, store("other"))).isInstanceOf(RemoteModels.Busy.class);
        assertThat(other.claim(file, List.of(file), other.key(file), store("other"), true, true, () -> true))
                .as("waiting, but cancelled").isInstanceOf(RemoteModels.Busy.class);
    }

    @Test
    void claim_waitsForTheHolderAndFetchesWhatItPublished() throws Exception {
        RemoteModels holder = node();
        RemoteModels.Compile leased = (RemoteModels.Compile) claim(holder, file, store("holder"));
        RemoteModels waiter = node();
        ModelStore store = store("waiter");
        java.util.concurrent.CountDownLatch waiting = new java.util.concurrent.CountDownLatch(1);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            // The cancellation poll is asked only once the waiter has found the lease held: synchronise on it.
            Future<RemoteModels.Claim> claimed = pool.submit(() -> waiter.claim(file, List.of(file), waiter.key(file),
                    store, true, true, () -> {
                        waiting.countDown();
                        return false;
                    }));
            waiting.await();

            holder.publish(file, compiled(file, "a"), Duration.ofSeconds(1));
            leased.lease().orElseThrow().close();

            assertThat(claimed.get()).isInstanceOf(RemoteModels.Fetched.class);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void claim_aWaitThatIsInterruptedAnswersBusyAndKeepsTheInterrupt() throws IOException {
        RemoteModels holder = node();
        claim(holder, file, store("holder"));
        RemoteModels waiter = node();
        ModelStore store = store("waiter");
        try {
            RemoteModels.Claim c = waiter.claim(file, List.of(file), waiter.key(file), store, true, true, () -> {
                Thread.currentThread().interrupt();  // interrupted while it waits
                return false;
            });

            assertThat(c).isInstanceOf(RemoteModels.Busy.class);
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void claim_aLeaseExpiringSoonIsWaitedForAndTakenOver() throws IOException {
        RemoteModels node = node(settings().leaseTime(Duration.ofMillis(500)).build(), "mock-identity");
        raw().overwrite("leases/" + node.key(file) + ".0", ("{\"holder\":\"dead\",\"token\":\"t\",\"expires_ms\":"
                + (System.currentTimeMillis() + 300) + "}").getBytes(StandardCharsets.UTF_8));

        RemoteModels.Claim c = node.claim(file, List.of(file), node.key(file), store("node"), true, true, () -> false);

        assertThat(c).isInstanceOfSatisfying(RemoteModels.Compile.class, compile -> assertThat(compile.lease())
                .hasValueSatisfying(l -> assertThat(l.name()).endsWith(".1")));
    }

    @Test
    void claim_aBadEntryIsReportedAndCompiledLocallyWithoutALease() throws IOException {
        RemoteModels node = node();
        String key = node.key(file);
        raw().overwrite("ac/" + key, "{\"version\":2}".getBytes(StandardCharsets.UTF_8));

        RemoteModels.Claim c = claim(node, file, store("node"));

        assertThat(c).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(raw().exists("leases/" + key + ".0")).isFalse();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains(key).contains(file.fileName())
                .contains("invalid").contains("compiling it locally"));
    }

    @Test
    void claim_anEntryNamingOtherModelsThanTheCatalogIsNotInstalled() throws IOException {
        RemoteModels node = node();
        OpFile other = files.stream().filter(f -> !f.omFileNames().equals(file.omFileNames())).findFirst().orElseThrow();
        List<StoredModel> models = compiled(other, "a");
        List<RegistryEntry.Model> ms = models.stream()
                .map(m -> new RegistryEntry.Model(m.path().getFileName().toString(), m.size(), m.sha256())).toList();
        raw().overwrite("ac/" + node.key(file), new RegistryEntry(node.key(file), ms, 1).toJson());

        assertThat(claim(node, file, store("node"))).isInstanceOf(RemoteModels.Compile.class);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("names the models"));
    }

    @Test
    void claim_anEntryWhoseModelIsMissingIsNotInstalled() throws IOException {
        RemoteModels publisher = node();
        List<StoredModel> models = compiled(file, "a");
        publisher.publish(file, models, Duration.ofSeconds(1));
        raw().delete("cas/sha256/" + models.get(0).sha256());
        ModelStore store = store("node2");

        assertThat(claim(node(), file, store)).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("missing from the registry"));
        assertThat(store.manifest(file.set()).entry(file.fileName())).isEmpty();
    }

    @Test
    void aModelLargerThanItsEntryIsNotInstalledAndIsRepairedWhenRepublished() throws IOException {
        RemoteModels publisher = node();
        List<StoredModel> models = compiled(file, "a");
        publisher.publish(file, models, Duration.ofSeconds(1));
        String blob = "cas/sha256/" + models.get(0).sha256();
        raw().overwrite(blob, new byte[(int) models.get(0).size() + 100]);
        RemoteModels node = node();

        assertThat(claim(node, file, store("node2"))).isInstanceOf(RemoteModels.Compile.class);
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("larger than"));

        assertThat(node.publish(file, models, Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.ALREADY_PRESENT);
        assertThat(raw().read(blob, 1 << 20)).hasValueSatisfying(b -> assertThat(b).hasSize((int) models.get(0).size()));
    }

    @Test
    void publish_reportsNewSameAndDifferentBytes() throws IOException {
        RemoteModels a = node();
        RemoteModels b = node();
        List<StoredModel> ours = compiled(file, "a");

        assertThat(a.publish(file, ours, Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.PUBLISHED);
        assertThat(b.publish(file, compiled(file, "a"), Duration.ofSeconds(2))).isEqualTo(RemoteModels.Published.ALREADY_PRESENT);
        assertThat(warnings).isEmpty();
        List<StoredModel> other = compiled(file, "b");
        assertThat(b.publish(file, other, Duration.ofSeconds(2))).isEqualTo(RemoteModels.Published.DIFFERENT);

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains(a.key(file)).contains("not deterministic")
                .contains(ours.get(0).sha256().substring(0, 12)).contains(other.get(0).sha256().substring(0, 12)));
        RegistryEntry kept = RegistryEntry.parse(raw().read("ac/" + a.key(file), RegistryEntry.MAX_BYTES).orElseThrow(), a.key(file));
        assertThat(kept.models()).extracting(RegistryEntry.Model::sha256)
                .isEqualTo(ours.stream().map(StoredModel::sha256).toList());
        assertThat(kept.compileSeconds()).isEqualTo(1.0);
    }

    @Test
    void publishedCompileTimesAreFoundByNodesWithAnotherToolkit() throws IOException {
        RemoteModels a = node();
        a.publish(files.get(0), compiled(files.get(0), "a"), Duration.ofMillis(1500));
        a.publish(files.get(1), compiled(files.get(1), "a"), Duration.ZERO);

        RemoteModels upgraded = node(settings().build(), "next-toolkit");

        assertThat(upgraded.compileSeconds(files)).containsExactly(java.util.Map.entry(files.get(0), 1.5));
        assertThat(node().compileSeconds(List.of())).isEmpty();
    }

    @Test
    void hasEntry_onlyForAGoodEntry() throws IOException {
        RemoteModels node = node();
        assertThat(node.hasEntry(file)).isFalse();

        node.publish(file, compiled(file, "a"), Duration.ofSeconds(1));
        assertThat(node.hasEntry(file)).isTrue();

        raw().overwrite("ac/" + node.key(file), "{}".getBytes(StandardCharsets.UTF_8));
        assertThat(node.hasEntry(file)).isFalse();
    }

    @Test
    void fetchAll_installsEachContentOnceForEveryFileThatHasIt() throws IOException {
        RemoteModels publisher = node();
        List<StoredModel> models = compiled(file, "a");
        publisher.publish(file, models, Duration.ofSeconds(3));
        OpFile twin = new OpFile("Twin", file.set(), file.ops());
        ModelStore store = store("runtime");

        List<StoredModel> installed = node().fetchAll(List.of(file, twin, file), store);

        assertThat(installed).extracting(StoredModel::sha256).isEqualTo(models.stream().map(StoredModel::sha256).toList());
        for (OpFile f : List.of(file, twin)) {
            assertThat(store.manifest(f.set()).entry(f.fileName())).as(f.fileName())
                    .hasValueSatisfying(e -> assertThat(e.compileSeconds()).isEqualTo(3.0));
        }
    }

    @Test
    void fetchAll_namesEveryMissingOrBadContentAndInstallsNothing() throws IOException {
        RemoteModels publisher = node();
        OpFile corrupt = files.get(1);
        List<StoredModel> good = compiled(file, "a");
        List<StoredModel> bad = compiled(corrupt, "c");
        publisher.publish(file, good, Duration.ofSeconds(1));
        publisher.publish(corrupt, bad, Duration.ofSeconds(1));
        raw().overwrite("cas/sha256/" + bad.get(0).sha256(), new byte[(int) bad.get(0).size()]);
        OpFile absent = files.get(2);
        ModelStore store = store("runtime");

        RemoteModels node = node();
        assertThatThrownBy(() -> node.fetchAll(List.of(file, corrupt, absent), store))
                .isInstanceOfSatisfying(MissingModelsException.class, e -> {
                    assertThat(e.missing()).extracting(MissingModelsException.Missing::file).containsExactly(corrupt, absent);
                    assertThat(e.missing().get(0).reason()).contains("corrupt");
                    assertThat(e.missing().get(1).reason()).isEqualTo("no entry in the registry");
                    assertThat(e.missing().get(1).key()).isEqualTo(node.key(absent));
                    assertThat(e).hasMessageStartingWith("2 model contents missing or bad in the registry, first "
                            + corrupt.fileName() + " (key " + node.key(corrupt) + "): model ");
                });
        assertThat(store.manifest(file.set()).entry(file.fileName())).isEmpty();
        assertThat(Files.exists(store.modelDirectory(file.set()).resolve(file.omFileNames().get(0)))).isFalse();
        try (Stream<Path> staged = Files.walk(store.root().resolve(ModelStore.STAGING_DIRECTORY))) {
            assertThat(staged.filter(p -> p.toString().endsWith(".om"))).as("downloads removed").isEmpty();
        }
    }

    @Test
    void fetchAll_aRegistryThatFailsMidwayNamesTheKey() throws IOException {
        RemoteModels node = node();
        Files.createDirectories(registryDir().resolve("ac"));
        Path outside = Files.writeString(dir.resolve("outside"), "x");
        Files.createSymbolicLink(registryDir().resolve("ac/" + node.key(file)), outside);

        assertThatThrownBy(() -> node.fetchAll(List.of(file), store("runtime"))).isInstanceOf(RemoteRegistryException.class)
                .hasMessageContaining(node.key(file)).hasMessageContaining("symbolic link");
    }

    @Test
    void readOnlyCredentialsStopLeasingAndPublishingWithOneWarning() throws IOException {
        RemoteSettings readOnly = RemoteSettings.builder("readonly://" + registryDir()).warnings(warnings::add).build();
        RemoteModels node = node(readOnly, "mock-identity");

        assertThat(claim(node, files.get(0), store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(claim(node, files.get(1), store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("refuses writes").contains("readonly://"));
        assertThat(node.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.SKIPPED);

        assertThat(node.enabled()).isTrue();
        assertThat(warnings).hasSize(1);
        assertThat(registryObjects()).isEmpty();
    }

    @Test
    void aNodeThatMayCreateButNotDeleteFetchesAndPublishes() throws IOException {
        RemoteSettings createOnly = RemoteSettings.builder("createonly://" + registryDir()).warnings(warnings::add).build();
        RemoteModels node = node(createOnly, "mock-identity");

        assertThat(node.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.PUBLISHED);
        assertThat(node.hasEntry(file)).isTrue();
    }

    @Test
    void aRegistryThatIsDownIsWarnedAboutOnceAndSkipped() throws IOException {
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).build();
        RemoteModels node = node(down, "mock-identity");

        assertThat(node.enabled()).isFalse();
        assertThat(claim(node, file, store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(node.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.SKIPPED);
        assertThat(node.compileSeconds(files)).isEmpty();

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("no-such-mount")
                .contains("does not answer").contains("NoSuchFileException").contains("compiling locally"));
    }

    @Test
    void aRegistryOpenedWhenNeededIsOnlyTouchedByTheFirstJobThatNeedsIt() throws IOException {
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).build();
        RemoteModels node = RemoteModels.whenNeeded(down, MockOpCompiler.create(), SOC);
        opened.add(node);

        assertThat(node.enabled()).isTrue();
        assertThat(node.compileSeconds(List.of())).isEmpty();
        assertThat(node.claim(file, List.of(file), "k", store("node"), false, false, () -> false))
                .isInstanceOf(RemoteModels.Compile.class);
        assertThat(warnings).isEmpty();

        assertThat(claim(node, file, store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("does not answer"));
        assertThat(node.enabled()).isFalse();
        assertThat(node.compileSeconds(files)).isEmpty();
        assertThat(warnings).hasSize(1);
    }

    @Test
    void fetchAll_fromARegistryThatIsDownSaysItIsNotAvailable() throws IOException {
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).build();
        RemoteModels node = node(down, "mock-identity");

        assertThatThrownBy(() -> node.fetchAll(files, store("runtime"))).isInstanceOf(RemoteRegistryException.class)
                .hasMessage("model registry " + down.uri() + " is not available");
        assertThat(node.hasEntry(file)).isFalse();
    }

    @Test
    void registryIdentity_ofAtcIsTheToolkitsCannVersion() throws IOException {
        io.ivfsp.testing.FakeToolkit fake = io.ivfsp.testing.FakeToolkit.create(dir.resolve("toolkit"));
        io.ivfsp.atc.AtcCompiler atc = io.ivfsp.atc.AtcCompiler.builder().toolkit(fake.toolkit()).build();

        assertThat(RemoteModels.registryIdentity(atc)).isEqualTo("cann-version=8.0.0-fake");

        Files.writeString(fake.home().resolve("opp/version.info"), "Name=opp\n");
        assertThat(RemoteModels.registryIdentity(atc)).as("no Version= line").isEqualTo(atc.cacheIdentity());
    }

    @Test
    void aRequiredRegistryThatIsDownFailsEveryUseButPlanning() throws IOException {
        RemoteSettings down = RemoteSettings.builder(dir.resolve("no-such-mount").toUri().toString())
                .warnings(warnings::add).required(true).build();

        assertThatThrownBy(() -> node(down, "mock-identity")).isInstanceOf(RemoteRegistryException.class)
                .hasMessageContaining("--remote-required").hasMessageContaining("no-such-mount");
        RemoteModels later = RemoteModels.whenNeeded(down, MockOpCompiler.create(), SOC);
        opened.add(later);
        assertThat(later.compileSeconds(files)).isEmpty();
        assertThatThrownBy(() -> claim(later, file, store("node"))).isInstanceOf(RemoteRegistryException.class);
        assertThat(warnings).isEmpty();
    }

    @Test
    void aRegistryFailingMidRunStopsBeingUsed() throws IOException {
        RemoteModels node = node();
        Files.createDirectories(registryDir().resolve("ac"));
        Files.createSymbolicLink(registryDir().resolve("ac/" + node.key(file)), Files.writeString(dir.resolve("x"), "x"));

        assertThat(claim(node, file, store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(node.enabled()).isFalse();
        assertThat(claim(node, files.get(1), store("node"))).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("failed while looking up " + node.key(file)));
        assertThat(raw().exists("leases/" + node.key(files.get(1)) + ".0")).isFalse();
    }

    @Test
    void claim_fetchedModelsThatCannotBeStagedAreCompiledLocally() throws IOException {
        node().publish(file, compiled(file, "a"), Duration.ofSeconds(1));
        ModelStore store = store("node2");
        try (ModelStore.Staging busy = store.stage(file)) {
            assertThat(claim(node(), file, store)).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        }
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("cannot stage fetched models of "
                + file.fileName()).contains("compiling it locally"));
    }

    @Test
    void claim_fetchedModelsThatCannotBeInstalledAreCompiledLocally() throws IOException {
        node().publish(file, compiled(file, "a"), Duration.ofSeconds(1));
        ModelStore store = store("node2");
        Files.writeString(store.modelDirectory(file.set()), "a file where the model directory goes");

        assertThat(claim(node(), file, store)).isEqualTo(new RemoteModels.Compile(java.util.Optional.empty()));
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("cannot install fetched models of "
                + file.fileName()).contains("compiling it locally"));
    }

    @Test
    void publish_onAFreshReadOnlyNodeIsSkippedWithOneWarning() throws IOException {
        RemoteSettings readOnly = RemoteSettings.builder("readonly://" + registryDir()).warnings(warnings::add).build();
        RemoteModels node = node(readOnly, "mock-identity");

        assertThat(node.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.SKIPPED);
        assertThat(node.publish(files.get(1), compiled(files.get(1), "a"), Duration.ofSeconds(1)))
                .isEqualTo(RemoteModels.Published.SKIPPED);

        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("refuses writes"));
        assertThat(node.enabled()).isTrue();
        assertThat(registryObjects()).isEmpty();
    }

    @Test
    void publish_aRegistryFailingIsWarnedAboutOnceOrFailsTheJobWhenRequired() throws IOException {
        RemoteModels node = node();
        Files.createDirectories(registryDir().resolve("ac"));
        Files.createSymbolicLink(registryDir().resolve("ac/" + node.key(file)), Files.writeString(dir.resolve("x"), "x"));

        assertThat(node.publish(file, compiled(file, "a"), Duration.ofSeconds(1))).isEqualTo(RemoteModels.Published.SKIPPED);
        assertThat(node.enabled()).isFalse();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("failed while publishing " + node.key(file)));

        RemoteModels required = node(settings().required(true).build(), "mock-identity");
        assertThatThrownBy(() -> required.publish(file, compiled(file, "a"), Duration.ofSeconds(1)))
                .isInstanceOf(RemoteRegistryException.class).hasMessageContaining("--remote-required");
    }

    @Test
    void compileTimes_onlyThoseWithinADayArePublished() throws IOException {
        RemoteModels a = node();
        a.publish(files.get(0), compiled(files.get(0), "a"), Duration.ofHours(24));
        a.publish(files.get(1), compiled(files.get(1), "a"), Duration.ofHours(24).plusMillis(1));
        a.publish(files.get(2), compiled(files.get(2), "a"), Duration.ofNanos(1));

        assertThat(node(settings().build(), "next-toolkit").compileSeconds(files))
                .containsOnly(java.util.Map.entry(files.get(0), 24 * 3600.0), java.util.Map.entry(files.get(2), 1e-9));
    }

    @Test
    void compileTimes_anInvalidMeasurementDoesNotTakeThePlaceOfALaterValidOne() throws IOException {
        RemoteModels a = node();
        a.publish(files.get(0), compiled(files.get(0), "a"), Duration.ZERO);
        a.publish(files.get(1), compiled(files.get(1), "a"), Duration.ofHours(24).plusMillis(1));
        RemoteModels b = node(settings().build(), "other-identity");
        b.publish(files.get(0), compiled(files.get(0), "a"), Duration.ofSeconds(2));
        b.publish(files.get(1), compiled(files.get(1), "a"), Duration.ofSeconds(3));

        assertThat(node(settings().build(), "next-toolkit").compileSeconds(files))
                .containsOnly(java.util.Map.entry(files.get(0), 2.0), java.util.Map.entry(files.get(1), 3.0));
    }

    @Test
    void compileTimes_aRegistryFailingWhileTheyAreReadIsWarnedAbout() throws IOException {
        RemoteModels node = node();
        RegistrySession session = new RegistrySession(settings().build(), null, "mock", "mock-identity", SOC);
        Files.createDirectories(registryDir().resolve("times"));
        Files.createSymbolicLink(registryDir().resolve("times/" + session.timeKey(file)), Files.writeString(dir.resolve("x"), "x"));

        assertThat(node.compileSeconds(files)).isEmpty();
        assertThat(node.enabled()).isFalse();
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("failed while reading compile times"));
    }

    @Test
    void aClosedLeaseOnARegistryThatRefusesDeletesExpiresByItself() throws IOException {
        RemoteSettings createOnly = RemoteSettings.builder("createonly://" + registryDir()).warnings(warnings::add).build();
        RemoteModels node = node(createOnly, "mock-identity");
        RemoteModels.Compile c = (RemoteModels.Compile) claim(node, file, store("node"));

        c.lease().orElseThrow().close();

        assertThat(raw().exists("leases/" + node.key(file) + ".0")).isTrue();
        assertThat(warnings).isEmpty();
    }

    @Test
    void whenNeeded_andOpen_refuseASchemeWithoutImplementation() {
        RemoteSettings s3 = RemoteSettings.builder("s3://bucket/prefix").build();
        RemoteSettings other = RemoteSettings.builder("gopher://host/x").build();

        assertThatThrownBy(() -> RemoteModels.whenNeeded(s3, MockOpCompiler.create(), SOC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("s3://bucket/prefix")
                .hasMessageContaining("no implementation for 's3://'").hasMessageContaining("file://")
                .hasMessageContaining("needs the ivfsp-remote-s3 module");
        assertThatThrownBy(() -> RemoteModels.open(other, MockOpCompiler.create(), SOC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'gopher://'")
                .hasMessageNotContaining("ivfsp-remote-s3");
    }
}
