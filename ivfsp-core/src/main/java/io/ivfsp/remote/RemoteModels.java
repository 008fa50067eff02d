package io.ivfsp.remote;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * A generation's use of the shared model registry, laid out like Bazel's remote cache:
 * {@code cas/sha256/<digest>} holds each model's bytes once, {@code ac/<key>} the entry of one cache
 * key ({@link RegistryEntry}: the digests of its models and its compile time), {@code leases/<key>.<n>}
 * the lease of the node compiling a key, and {@code times/<key>} the compile time of a JSON file's
 * content whatever the toolkit ({@link #compileSeconds}). This class composes the parts, each in its
 * own package-private class: {@link RegistrySession} (opening, failures), {@link Leases},
 * {@link RemoteFetch}, {@link RemotePublish} and {@link CompileTimes}.
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

    static final String CAS = RegistrySession.CAS;

    private final RegistrySession session;
    private final Leases leases;
    private final RemoteFetch fetch;
    private final CompileTimes times;
    private final RemotePublish publish;

    private RemoteModels(RemoteSettings settings, ModelRegistry registry, String backend, String identity, String soc) {
        this.session = new RegistrySession(settings, registry, backend, identity, soc);
        this.leases = new Leases(session);
        this.fetch = new RemoteFetch(session);
        this.times = new CompileTimes(session);
        this.publish = new RemotePublish(session, fetch, times);
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
        r.session.ensureOpen();
        return r;
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
        return session.enabled();
    }

    /** The registry's URI, when one is configured. */
    public Optional<java.net.URI> uri() {
        return session.settings == null ? Optional.empty() : Optional.of(session.settings.uri());
    }

    /** The registry key of a JSON file: its cache key with the registry identity of the compiler. */
    public String key(OpFile file) {
        return session.key(file);
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
            if (!session.ensureOpen()) {
                return LOCALLY;
            }
            for (int races = 0; races < 100; ) {
                RemoteFetch.Result got = this.fetch.fetch(file, members, key, recordKey, store);
                if (got.models().isPresent()) {
                    return new Fetched(got.models().get(), got.compileSeconds());
                }
                if (got.bad() || session.readOnly()) {
                    return LOCALLY;
                }
                Leases.State state = leases.tryLease(key);
                if (state.lease().isPresent()) {
                    if (session.registry().exists(RegistrySession.AC + key)) {
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
                long pause = Math.max(20, Math.min(1000, session.settings.leaseTime().toMillis() / 5));
                long untilExpiry = state.expiresAtMillis() - System.currentTimeMillis();
                Thread.sleep(Math.max(5, Math.min(pause, untilExpiry + 5)));
            }
            return LOCALLY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Busy();
        } catch (RegistryAccessDeniedException | AccessDeniedException e) {
            session.becomeReadOnly(e);
            return LOCALLY;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RemoteRegistryException r) {
                throw r;
            }
            session.failed("failed while looking up " + key, e);
            return LOCALLY;
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
        if (session.settings == null || !session.ensureOpen()) {
            throw new RemoteRegistryException("model registry " + uri().map(Object::toString).orElse("(none)")
                    + " is not available");
        }
        return fetch.fetchAll(files, store);
    }

    /**
     * Whether the registry holds a good entry for {@code file} (read and checked, models not downloaded).
     *
     * @throws IOException if the registry fails
     */
    public boolean hasEntry(OpFile file) throws IOException {
        return session.settings != null && session.ensureOpen() && fetch.entry(file, key(file)).entry().isPresent();
    }

    /**
     * The compile times other nodes published for these files' contents, with any toolkit version, for
     * planning a run: each file that has a valid one, in seconds. Empty without a registry; a registry that
     * fails is handled as in {@link #claim} (one warning), except that this never throws: when the registry
     * is required, the jobs report its failure.
     */
    public Map<OpFile, Double> compileSeconds(List<OpFile> files) {
        if (!enabled() || files.isEmpty()) {
            return Map.of();
        }
        try {
            return session.ensureOpen() ? times.read(files) : Map.of();
        } catch (RemoteRegistryException e) {
            return Map.of();
        }
    }

    /**
     * Publishes a job this node compiled: each model's bytes unless the registry has them, then the entry,
     * only if no entry exists, then its compile time. A failure is handled like in {@link #claim}.
     *
     * @throws RemoteRegistryException if the registry fails and is required
     */
    public Published publish(OpFile file, List<StoredModel> models, Duration compileTime) {
        return publish.publish(file, models, compileTime);
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

    /** Stops the heartbeats and closes the registry. */
    @Override
    public void close() {
        leases.close();
        session.close();
    }
}
