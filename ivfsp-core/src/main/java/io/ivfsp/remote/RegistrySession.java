package io.ivfsp.remote;

import io.ivfsp.ops.OpFile;
import io.ivfsp.store.CacheKey;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One run's connection to the registry and what it learned about it: opened on first use, down after
 * its first failure (warned about once, or fatal when required), read-only after a refused write, and
 * the digests of models whose registry copy failed its check (to be repaired when republished).
 */
final class RegistrySession {

    static final String CAS = "cas/sha256/";
    static final String AC = "ac/";
    static final String LEASES = "leases/";
    static final String TIMES = "times/";

    final RemoteSettings settings;
    final String backend;
    final String identity;
    final String socVersion;
    /** Opened on first use: a run whose models are all in place never touches the network. */
    private volatile ModelRegistry registry;
    private boolean opened;
    private final AtomicBoolean down = new AtomicBoolean();
    private final AtomicBoolean readOnly = new AtomicBoolean();
    private final AtomicBoolean warned = new AtomicBoolean();
    final Set<String> badDigests = ConcurrentHashMap.newKeySet();

    RegistrySession(RemoteSettings settings, ModelRegistry registry, String backend, String identity, String soc) {
        this.settings = settings;
        this.registry = registry;
        this.backend = backend;
        this.identity = identity;
        this.socVersion = soc;
    }

    /**
     * Opens and checks the registry once.
     *
     * @return whether it is usable
     * @throws IllegalArgumentException if the URI is not valid for its implementation
     * @throws RemoteRegistryException  if it is required and does not answer
     */
    boolean ensureOpen() {
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

    /** The registry; only after {@link #ensureOpen}. */
    ModelRegistry registry() {
        return registry;
    }

    boolean enabled() {
        return settings != null && !down.get();
    }

    boolean readOnly() {
        return readOnly.get();
    }

    /** The registry key of a JSON file: its cache key with the registry identity of the compiler. */
    String key(OpFile file) {
        return CacheKey.of(file, socVersion, backend, identity);
    }

    /**
     * The key of a JSON file's compile time: its content, SoC and compiler name, but no toolkit identity,
     * so that a node with another toolkit version (whose model keys all differ) still finds it.
     */
    String timeKey(OpFile file) {
        return CacheKey.of(file, socVersion, backend, "compile-time-of-any-version");
    }

    void warn(String message) {
        settings.warnings().accept(message);
    }

    void report(OpFile file, String key, String why) {
        warn("registry entry " + key + " (" + file.fileName() + ") in " + settings.uri() + " is not installed: " + why);
    }

    void becomeReadOnly(IOException e) {
        if (readOnly.compareAndSet(false, true)) {
            warn("model registry " + settings.uri() + " refuses writes (" + e.getMessage()
                    + "): fetching only, publishing nothing");
        }
    }

    /**
     * Marks the registry down for the rest of the run, with one warning.
     *
     * @throws RemoteRegistryException if it is required
     */
    void failed(String what, Exception e) {
        String msg = "model registry " + settings.uri() + " " + what + ": " + describe(e);
        if (settings.required()) {
            throw new RemoteRegistryException(msg + " (the registry is required: --remote-required)", e);
        }
        down.set(true);
        if (warned.compareAndSet(false, true)) {
            warn(msg + "; compiling locally without it for the rest of this run");
        }
    }

    static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
    }

    void close() {
        ModelRegistry r = registry;
        if (r != null) {
            r.close();
        }
    }
}
