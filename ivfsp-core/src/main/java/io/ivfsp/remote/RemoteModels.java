package io.ivfsp.remote;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.json.JsonReader;
import io.ivfsp.json.JsonWriter;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A generation's use of the shared model registry, laid out like Bazel's remote cache:
 * {@code cas/sha256/<digest>} holds each model's bytes once, {@code ac/<key>} the entry of one cache
 * key ({@link RegistryEntry}: the digests of its models and its compile time), and
 * {@code leases/<key>.<n>} the lease of the node compiling a key.
 *
 * <ul>
 * <li>Before compiling a job: {@link #claim} fetches its entry if there is one (every model checked for
 * size and SHA-256 before the local store moves it into place; a bad entry is reported with its key
 * and the job compiles locally), else takes the key's lease (a conditional create), else waits for the
 * holder's result and takes the lease over when it expires.</li>
 * <li>After compiling: {@link #publish} uploads the models first, then the entry with a conditional
 * create, so readers see a complete entry or none; a lost race with equal bytes is fine, with other
 * bytes it is reported.</li>
 * <li>The registry is optional: the first failure is warned about once and the rest of the run
 * compiles locally, unless it is {@linkplain RemoteSettings#required() required}. A write refused for
 * lack of permission (read-only credentials) only stops publishing and leasing.</li>
 * </ul>
 */
public final class RemoteModels implements AutoCloseable {

    static final String CAS = "cas/sha256/";
    static final String AC = "ac/";
    static final String LEASES = "leases/";
    private static final int MAX_LEASE_BYTES = 4096;
    private static final int MAX_LEASE_GENERATIONS = 64;
    private static final Logger log = LoggerFactory.getLogger(RemoteModels.class);

    private final RemoteSettings settings;
    /** Opened on first use: a run whose models are all in place never touches the network. */
    private volatile ModelRegistry registry;
    private boolean opened;
    private final String backend;
    private final String identity;
    private final String socVersion;
    /** Named on first use: a UUID seeds SecureRandom, which a run without a registry does not need. */
    private String holder;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean readOnly = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final Set<String> badDigests = ConcurrentHashMap.newKeySet();
    private volatile ScheduledExecutorService heartbeats;

    private RemoteModels(RemoteSettings settings, ModelRegistry registry, String backend, String identity, String soc) {
        this.settings = settings;
        this.registry = registry;
        this.backend = backend;
        this.identity = identity;
        this.socVersion = soc;
    }

    /** No registry: every job compiles locally. */
    public static RemoteModels none() {
        return new RemoteModels(null, null, "", "", "");
    }

    /**
     * The registry of {@code settings} for a generation with {@code compiler}, checked once: when it does
     * not answer it is skipped with one warning (or, if required, this fails).
     *
     * @throws IllegalArgumentException if the URI's scheme has no implementation or the URI is not valid for it
     * @throws RemoteRegistryException  if it is required and does not answer
     */
    public static RemoteModels open(RemoteSettings settings, OpCompiler compiler, String socVersion) {
        return open(settings, compiler.name(), registryIdentity(compiler), socVersion);
    }

    /**
     * The registry of {@code settings} for a generation with {@code compiler}, opened and checked when a job
     * first needs it (a run whose models are all in place never touches it).
     *
     * @throws IllegalArgumentException if the URI's scheme has no implementation
     */
    public static RemoteModels whenNeeded(RemoteSettings settings, OpCompiler compiler, String socVersion) {
        ModelRegistries.provider(settings);
        return new RemoteModels(settings, null, compiler.name(), registryIdentity(compiler), socVersion);
    }

    /**
     * The registry of {@code settings} for models of {@code backend} with the given toolkit identity
     * ({@link #registryIdentity}), e.g. for a node that only fetches.
     *
     * @throws IllegalArgumentException if the URI's scheme has no implementation or the URI is not valid for it
     * @throws RemoteRegistryException  if it is required and does not answer
     */
    public static RemoteModels open(RemoteSettings settings, String backend, String identity, String socVersion) {
        RemoteModels r = new RemoteModels(settings, ModelRegistries.open(settings), backend, identity, socVersion);
        r.ensureOpen();
        return r;
    }

    /**
     * Opens and checks the registry once.
     *
     * @return whether it is usable
     * @throws IllegalArgumentException if the URI is not valid for its implementation
     * @throws RemoteRegistryException  if it is required and does not answer
     */
    private boolean ensureOpen() {
        synchronized (this) {
            if (!opened) {
                opened = true;
                if (registry == null) {
                    registry = ModelRegistries.open(settings);
                }
                try {
                    registry.check();
                } catch (IOException | RuntimeException e) {
                    failed("does not answer", e);
                }
            }
        }
        return enabled();
    }

    /**
     * What identifies a compiler's output across machines: for ATC, the {@code Version=} of the toolkit's
     * {@code opp/version.info} (which a runtime-only node also has, or gives with {@code --cann-version});
     * for other backends their {@linkplain OpCompiler#cacheIdentity() cache identity}.
     */
    public static String registryIdentity(OpCompiler compiler) {
        if (compiler instanceof AtcCompiler atc) {
            Optional<String> v = atc.toolkit().oppVersionInfo().flatMap(RemoteModels::versionOf);
            if (v.isPresent()) {
                return atcIdentity(v.get());
            }
        }
        return compiler.cacheIdentity();
    }

    /** The registry identity of ATC models for a CANN version (the {@code Version=} value of {@code opp/version.info}). */
    public static String atcIdentity(String cannVersion) {
        return "cann-version=" + cannVersion.strip();
    }

    /** The {@code Version=} value of an {@code opp/version.info} text. */
    public static Optional<String> versionOf(String versionInfo) {
        return versionInfo.lines().map(String::strip).filter(l -> l.startsWith("Version="))
                .map(l -> l.substring("Version=".length()).strip()).filter(v -> !v.isEmpty()).findFirst();
    }

    /** Whether the registry is in use (configured and not failed). */
    public boolean enabled() {
        return settings != null && !down.get();
    }

    /** The registry's URI, when one is configured. */
    public Optional<java.net.URI> uri() {
        return settings == null ? Optional.empty() : Optional.of(settings.uri());
    }

    /** The registry key of a JSON file: its cache key with the registry identity of the compiler. */
    public String key(OpFile file) {
        return CacheKey.of(file, socVersion, backend, identity);
    }

    /** What to do with one job. */
    public sealed interface Claim permits Fetched, Compile, Busy {
    }

    /**
     * The job's models were fetched and are in place, recorded in the local manifest.
     *
     * @param models         the models in their final place
     * @param compileSeconds what the publishing node measured
     */
    public record Fetched(List<StoredModel> models, double compileSeconds) implements Claim {
    }

    /**
     * Compile the job locally, then {@link #publish} it; close the lease (if any) afterwards.
     *
     * @param lease the key's lease, held by this node until closed
     */
    public record Compile(Optional<Lease> lease) implements Claim {
    }

    /** Another node holds the key's lease; try again later (or wait). */
    public record Busy() implements Claim {
    }

    private static final Compile LOCALLY = new Compile(Optional.empty());

    /**
     * Consults the registry before compiling a job.
     *
     * @param file      the job's JSON file
     * @param members   every file the job serves (recorded in the local manifest when fetched)
     * @param recordKey the key to record fetched models under in the local manifest
     * @param fetch     whether fetching is allowed (false when rebuilding: then only publish)
     * @param wait      whether to wait while another node holds the lease (else answer {@link Busy})
     * @param cancelled polled while waiting; when true, {@link Busy} is answered
     * @throws RemoteRegistryException if the registry fails and is required
     */
    public Claim claim(OpFile file, List<OpFile> members, String recordKey, ModelStore store, boolean fetch,
                       boolean wait, BooleanSupplier cancelled) {
        if (!enabled() || !fetch) {
            return LOCALLY;
        }
        String key = key(file);
        try {
            if (!ensureOpen()) {
                return LOCALLY;
            }
            for (int races = 0; races < 100; ) {
                FetchResult got = fetch(file, members, key, recordKey, store);
                if (got.models().isPresent()) {
                    return new Fetched(got.models().get(), got.compileSeconds());
                }
                if (got.bad() || readOnly.get()) {
                    return LOCALLY;
                }
                LeaseState state = tryLease(key);
                if (state.lease().isPresent()) {
                    if (registry.exists(AC + key)) {
                        // Published between our look and our lease: use it.
                        state.lease().get().close();
                        races++;
                        continue;
                    }
                    return new Compile(state.lease());
                }
                if (!wait || cancelled.getAsBoolean()) {
                    return new Busy();
                }
                long pause = Math.max(20, Math.min(1000, settings.leaseTime().toMillis() / 5));
                long untilExpiry = state.expiresAtMillis() - System.currentTimeMillis();
                Thread.sleep(Math.max(5, Math.min(pause, untilExpiry + 5)));
            }
            return LOCALLY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Busy();
        } catch (RegistryAccessDeniedException | AccessDeniedException e) {
            becomeReadOnly(e);
            return LOCALLY;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RemoteRegistryException r) {
                throw r;
            }
            failed("failed while looking up " + key, e);
            return LOCALLY;
        }
    }

    private record FetchResult(Optional<List<StoredModel>> models, double compileSeconds, boolean bad) {
        static final FetchResult ABSENT = new FetchResult(Optional.empty(), 0, false);
        static final FetchResult BAD = new FetchResult(Optional.empty(), 0, true);
    }

    /**
     * The entry of {@code key}, checked.
     *
     * @param entry   the entry, when there is a good one
     * @param problem what is wrong with the entry there is, if any
     */
    private record Lookup(Optional<RegistryEntry> entry, Optional<String> problem) {
    }

    private Lookup entry(OpFile file, String key) throws IOException {
        Optional<byte[]> raw;
        try {
            raw = registry.read(AC + key, RegistryEntry.MAX_BYTES);
        } catch (RegistryLimitException e) {
            return new Lookup(Optional.empty(), Optional.of(e.getMessage()));
        }
        if (raw.isEmpty()) {
            return new Lookup(Optional.empty(), Optional.empty());
        }
        RegistryEntry entry;
        try {
            entry = RegistryEntry.parse(raw.get(), key);
        } catch (IllegalArgumentException | ClassCastException e) {
            return new Lookup(Optional.empty(), Optional.of("the entry is invalid: " + e.getMessage()));
        }
        List<String> names = entry.models().stream().map(RegistryEntry.Model::name).toList();
        if (!names.equals(file.omFileNames())) {
            return new Lookup(Optional.empty(), Optional.of("the entry names the models " + names
                    + " but the catalog names " + file.omFileNames()));
        }
        return new Lookup(Optional.of(entry), Optional.empty());
    }

    private FetchResult fetch(OpFile file, List<OpFile> members, String key, String recordKey, ModelStore store)
            throws IOException {
        Lookup lookup = entry(file, key);
        if (lookup.problem().isPresent()) {
            report(file, key, lookup.problem().get() + "; compiling it locally");
            return FetchResult.BAD;
        }
        Optional<RegistryEntry> entry = lookup.entry();
        if (entry.isEmpty()) {
            return FetchResult.ABSENT;
        }
        ModelStore.Staging staging;
        try {
            staging = store.stage(file);
        } catch (IOException e) {
            settings.warnings().accept("cannot stage fetched models of " + file.fileName() + ": " + e.getMessage()
                    + "; compiling it locally");
            return FetchResult.BAD;
        }
        try (staging) {
            Optional<String> problem = download(entry.get(), staging.out());
            if (problem.isPresent()) {
                report(file, key, problem.get() + "; compiling it locally");
                return FetchResult.BAD;
            }
            List<StoredModel> stored;
            try {
                stored = store.publish(file, staging);
                store.record(members, recordKey, stored, seconds(entry.get().compileSeconds()));
            } catch (IOException | RuntimeException e) {
                settings.warnings().accept("cannot install fetched models of " + file.fileName() + ": " + e.getMessage()
                        + "; compiling it locally");
                return FetchResult.BAD;
            }
            log.debug("fetched {} (key {}) from {}", file.fileName(), key, settings.uri());
            return new FetchResult(Optional.of(stored), entry.get().compileSeconds(), false);
        }
    }

    /**
     * Downloads an entry's models into {@code dir}, each checked for size and SHA-256.
     *
     * @return what is wrong with the entry, or empty when every model is there and intact
     * @throws IOException if the registry fails
     */
    private Optional<String> download(RegistryEntry entry, Path dir) throws IOException {
        for (RegistryEntry.Model m : entry.models()) {
            Path target = dir.resolve(RegistryEntry.checkModelName(m.name()));
            if (!target.getParent().equals(dir)) {
                return Optional.of("model name " + m.name() + " leaves the model directory");
            }
            try {
                if (!registry.readTo(CAS + m.sha256(), target, m.size())) {
                    return Optional.of("model " + m.name() + " (sha256 " + m.sha256() + ") is missing from the registry");
                }
            } catch (RegistryLimitException e) {
                badDigests.add(m.sha256());
                return Optional.of("model " + m.name() + " is larger than the " + m.size() + " bytes its entry gives");
            }
            long size = Files.size(target);
            String sha = ModelStore.sha256(target);
            if (size != m.size() || !sha.equals(m.sha256())) {
                badDigests.add(m.sha256());
                return Optional.of("model " + m.name() + " is corrupt: " + size + " bytes with sha256 " + sha
                        + ", its entry gives " + m.size() + " bytes with sha256 " + m.sha256());
            }
        }
        return Optional.empty();
    }

    /** One model content the registry was asked for and what is wrong with it. */
    public record Missing(OpFile file, String key, String reason) {
    }

    /** Some models of a fetch are missing or bad in the registry; nothing was installed. */
    public static final class MissingModelsException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final transient List<Missing> missing;

        MissingModelsException(List<Missing> missing) {
            super(missing.size() + " model contents missing or bad in the registry, first "
                    + missing.get(0).file().fileName() + " (key " + missing.get(0).key() + "): " + missing.get(0).reason());
            this.missing = List.copyOf(missing);
        }

        /** Each missing or bad content. */
        public List<Missing> missing() {
            return missing;
        }
    }

    /**
     * Installs the models of {@code files} from the registry into the local store, all or nothing: every
     * entry is read and every model downloaded and checked before the first is moved into place. The
     * models are recorded in the local manifest under their registry keys.
     *
     * @return the installed models
     * @throws MissingModelsException  naming each file and key that is missing or bad (nothing installed)
     * @throws RemoteRegistryException if the registry fails
     * @throws java.io.UncheckedIOException if the local store cannot take the models
     */
    public List<StoredModel> fetchAll(List<OpFile> files, ModelStore store) {
        if (settings == null || !ensureOpen()) {
            throw new RemoteRegistryException("model registry " + uri().map(Object::toString).orElse("(none)")
                    + " is not available");
        }
        Map<String, List<OpFile>> groups = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        for (OpFile f : files) {
            String key = key(f);
            String group = f.outputDirectory() + "/" + key;
            keys.put(group, key);
            List<OpFile> members = groups.computeIfAbsent(group, g -> new ArrayList<>());
            if (!members.contains(f)) {
                members.add(f);
            }
        }
        List<Missing> missing = new ArrayList<>();
        List<ModelStore.Staging> stagings = new ArrayList<>();
        List<Runnable> installs = new ArrayList<>();
        List<StoredModel> installed = new ArrayList<>();
        String current = "";
        try {
            for (Map.Entry<String, List<OpFile>> g : groups.entrySet()) {
                OpFile file = g.getValue().get(0);
                String key = keys.get(g.getKey());
                current = key;
                Lookup lookup = entry(file, key);
                if (lookup.entry().isEmpty()) {
                    missing.add(new Missing(file, key, lookup.problem().orElse("no entry in the registry")));
                    continue;
                }
                ModelStore.Staging staging = store.stage(file);
                stagings.add(staging);
                Optional<String> problem = download(lookup.entry().get(), staging.out());
                if (problem.isPresent()) {
                    missing.add(new Missing(file, key, problem.get()));
                    continue;
                }
                double secs = lookup.entry().get().compileSeconds();
                installs.add(() -> {
                    try {
                        List<StoredModel> stored = store.publish(file, staging);
                        store.record(g.getValue(), key, stored, seconds(secs));
                        installed.addAll(stored);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException("cannot install " + file.fileName() + ": " + e.getMessage(), e);
                    }
                });
            }
            if (!missing.isEmpty()) {
                throw new MissingModelsException(missing);
            }
            installs.forEach(Runnable::run);
            return installed;
        } catch (IOException e) {
            throw new RemoteRegistryException("model registry " + settings.uri() + " failed while fetching " + current
                    + ": " + describe(e), e);
        } finally {
            stagings.forEach(ModelStore.Staging::close);
        }
    }

    /**
     * Whether the registry holds a good entry for {@code file} (read and checked, models not downloaded).
     *
     * @throws IOException if the registry fails
     */
    public boolean hasEntry(OpFile file) throws IOException {
        return settings != null && ensureOpen() && entry(file, key(file)).entry().isPresent();
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }

    private void report(OpFile file, String key, String why) {
        settings.warnings().accept("registry entry " + key + " (" + file.fileName() + ") in " + settings.uri()
                + " is not installed: " + why);
    }

    /**
     * Publishes a job this node compiled: each model's bytes unless the registry has them, then the entry,
     * only if no entry exists. A failure is handled like in {@link #claim}.
     *
     * @throws RemoteRegistryException if the registry fails and is required
     */
    public Published publish(OpFile file, List<StoredModel> models, Duration compileTime) {
        if (!enabled() || readOnly.get()) {
            return Published.SKIPPED;
        }
        String key = key(file);
        try {
            if (!ensureOpen()) {
                return Published.SKIPPED;
            }
            List<RegistryEntry.Model> ms = new ArrayList<>();
            for (StoredModel m : models) {
                String blob = CAS + m.sha256();
                if (badDigests.remove(m.sha256())) {
                    // The registry's copy failed its digest: these bytes have it, so they repair it.
                    registry.overwrite(blob, m.path());
                } else if (!registry.exists(blob)) {
                    registry.createIfAbsent(blob, m.path());
                }
                ms.add(new RegistryEntry.Model(m.path().getFileName().toString(), m.size(), m.sha256()));
            }
            RegistryEntry entry = new RegistryEntry(key, ms, compileTime.toNanos() / 1e9);
            if (!registry.createIfAbsent(AC + key, entry.toJson())) {
                return compareWithPublished(file, key, ms);
            }
            log.debug("published {} (key {}) to {}", file.fileName(), key, settings.uri());
            return Published.PUBLISHED;
        } catch (RegistryAccessDeniedException | AccessDeniedException e) {
            becomeReadOnly(e);
            return Published.SKIPPED;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RemoteRegistryException r) {
                throw r;
            }
            failed("failed while publishing " + key, e);
            return Published.SKIPPED;
        }
    }

    /** What {@link #publish} did. */
    public enum Published {
        /** The entry is new. */
        PUBLISHED,
        /** Another node had published the same bytes. */
        ALREADY_PRESENT,
        /** Another node had published other bytes (reported as a warning); the registry keeps those. */
        DIFFERENT,
        /** Nothing was published: no registry, it failed, or it refuses writes (warned about). */
        SKIPPED
    }

    private Published compareWithPublished(OpFile file, String key, List<RegistryEntry.Model> ours) throws IOException {
        Optional<RegistryEntry> theirs = entry(file, key).entry();
        if (theirs.isPresent() && !theirs.get().models().equals(ours)) {
            settings.warnings().accept("registry entry " + key + " (" + file.fileName() + ") was published by another"
                    + " node with other bytes than this node compiled (" + digests(theirs.get().models()) + " there, "
                    + digests(ours) + " here): the compiler is not deterministic; the registry keeps the first");
            return Published.DIFFERENT;
        }
        return Published.ALREADY_PRESENT;
    }

    private static String digests(List<RegistryEntry.Model> ms) {
        return String.join(",", ms.stream().map(m -> m.sha256().substring(0, 12)).toList());
    }

    private void becomeReadOnly(IOException e) {
        if (readOnly.compareAndSet(false, true)) {
            settings.warnings().accept("model registry " + settings.uri() + " refuses writes (" + e.getMessage()
                    + "): fetching only, publishing nothing");
        }
    }

    private void failed(String what, Exception e) {
        String msg = "model registry " + settings.uri() + " " + what + ": " + describe(e);
        if (settings.required()) {
            throw new RemoteRegistryException(msg + " (the registry is required: --remote-required)", e);
        }
        down.set(true);
        if (warned.compareAndSet(false, true)) {
            settings.warnings().accept(msg + "; compiling locally without it for the rest of this run");
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    // ---- leases ----

    private record LeaseState(Optional<Lease> lease, long expiresAtMillis) {
    }

    private byte[] leaseBytes(String token) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holder", holder());
        m.put("token", token);
        m.put("expires_ms", System.currentTimeMillis() + settings.leaseTime().toMillis());
        return JsonWriter.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** A lease's JSON, parsed only when flat (the registry is not trusted). */
    private static Object lease(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        RegistryEntry.checkDepth(text, 1);
        return JsonReader.read(text);
    }

    /** The token of a lease, or "" when its content is not a lease. */
    static String token(byte[] lease) {
        try {
            if (lease(lease) instanceof Map<?, ?> m && m.get("token") instanceof String t) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            // Not a lease.
        }
        return "";
    }

    /** When a lease expires; 0 (long expired) when its content is not a lease. */
    static long expiry(byte[] lease) {
        try {
            if (lease(lease) instanceof Map<?, ?> m && m.get("expires_ms") instanceof Long t) {
                return t;
            }
        } catch (IllegalArgumentException e) {
            // Not a lease: treat as expired.
        }
        return 0;
    }

    /** The longest wait for overlapping lease writes to land on a server whose conditional create is not atomic. */
    private static final long MAX_SETTLE_MILLIS = 10_000;

    private long settleMillis() {
        return Math.max(20, Math.min(1000, settings.leaseTime().toMillis() / 60));
    }

    private LeaseState tryLease(String key) throws IOException, InterruptedException {
        int gen = 0;
        for (int attempt = 0; attempt < 4 * MAX_LEASE_GENERATIONS && gen < MAX_LEASE_GENERATIONS; attempt++) {
            String name = LEASES + key + "." + gen;
            String token = UUID.randomUUID().toString();
            Optional<byte[]> current;
            long createStart = System.nanoTime();
            if (registry.createIfAbsent(name, leaseBytes(token))) {
                if (registry.atomicCreate()) {
                    return new LeaseState(Optional.of(new Lease(name, gen, key, token)), 0);
                }
                // Some S3-compatible servers (S3Mock among them) check If-None-Match before writing, not
                // atomically: of simultaneous creates several succeed and the last one stays. Let the writes
                // in flight land, then keep the lease only if it is still ours. A write that overlapped ours
                // takes about as long as ours did, so the wait grows with the server's (or machine's) load.
                long createMillis = (System.nanoTime() - createStart) / 1_000_000;
                Thread.sleep(Math.min(MAX_SETTLE_MILLIS, Math.max(settleMillis(), 4 * createMillis)));
                current = registry.read(name, MAX_LEASE_BYTES);
                if (current.isPresent() && token.equals(token(current.get()))) {
                    return new LeaseState(Optional.of(new Lease(name, gen, key, token)), 0);
                }
            } else {
                current = registry.read(name, MAX_LEASE_BYTES);
            }
            if (current.isEmpty()) {
                continue;  // released meanwhile: try this generation again
            }
            long expires = expiry(current.get());
            if (expires > System.currentTimeMillis()) {
                return new LeaseState(Optional.empty(), expires);
            }
            log.info("lease {} has expired (its holder stopped renewing it): taking it over", name);
            gen++;
        }
        throw new IOException("cannot take the lease of " + key + ": " + MAX_LEASE_GENERATIONS + " expired generations");
    }

    private ScheduledExecutorService heartbeats() {
        ScheduledExecutorService s = heartbeats;
        if (s == null) {
            synchronized (this) {
                if (heartbeats == null) {
                    heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
                        Thread t = new Thread(r, "ivfsp-lease-heartbeat");
                        t.setDaemon(true);
                        return t;
                    });
                }
                s = heartbeats;
            }
        }
        return s;
    }

    /** This node's lease on a key: renewed while held, removed when closed. */
    public final class Lease implements AutoCloseable {
        private final String name;
        private final int generation;
        private final String key;
        private final String token;
        private final ScheduledFuture<?> heartbeat;
        private boolean released;

        private Lease(String name, int generation, String key, String token) {
            this.name = name;
            this.generation = generation;
            this.key = key;
            this.token = token;
            long every = Math.max(10, settings.leaseTime().toMillis() / 3);
            this.heartbeat = heartbeats().scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
        }

        private synchronized void renew() {
            if (released) {
                return;
            }
            try {
                registry.overwrite(name, leaseBytes(token));
            } catch (IOException | RuntimeException e) {
                log.debug("could not renew lease {}: {}", name, e.toString());
            }
        }

        /** The object name of the lease. */
        public String name() {
            return name;
        }

        /** Stops renewing and removes the lease and the expired ones it took over. */
        @Override
        public synchronized void close() {
            if (released) {
                return;
            }
            released = true;
            heartbeat.cancel(false);
            for (int g = generation; g >= 0; g--) {
                try {
                    registry.delete(LEASES + key + "." + g);
                } catch (IOException | RuntimeException e) {
                    log.debug("could not remove lease {}: {} (it expires by itself)", name, e.toString());
                    return;
                }
            }
        }
    }

    private synchronized String holder() {
        if (holder == null) {
            holder = holderName();
        }
        return holder;
    }

    private static String holderName() {
        // No DNS look-up: the name only helps a person reading a lease.
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> h.matches("[A-Za-z0-9.\\-]{1,64}"))
                .orElse("node");
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stops the heartbeats and closes the registry. */
    @Override
    public void close() {
        ScheduledExecutorService s = heartbeats;
        if (s != null) {
            s.shutdownNow();
        }
        ModelRegistry r = registry;
        if (r != null) {
            r.close();
        }
    }

}
