package io.ivfsp.remote;

import io.ivfsp.json.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The leases of the keys this node compiles: {@code leases/<key>.<n>}, created with a conditional write,
 * renewed by a heartbeat while held, taken over (generation {@code n + 1}) once expired.
 */
final class Leases {

    private static final int MAX_LEASE_BYTES = 4096;
    private static final int MAX_LEASE_GENERATIONS = 64;
    /** The longest wait for overlapping lease writes to land on a server whose conditional create is not atomic. */
    private static final long MAX_SETTLE_MILLIS = 10_000;
    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(Leases.class);
    }

    private final RegistrySession session;
    /** Named on first use: a UUID seeds SecureRandom, which a run without a registry does not need. */
    private volatile String holder;
    private volatile ScheduledExecutorService heartbeats;

    Leases(RegistrySession session) {
        this.session = session;
    }

    /**
     * The outcome of trying to take a lease.
     *
     * @param lease           the lease, when this node holds it now
     * @param expiresAtMillis otherwise, when the holder's lease expires
     */
    record State(Optional<Lease> lease, long expiresAtMillis) {
    }

    byte[] leaseBytes(String token) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("holder", holder());
        m.put("token", token);
        m.put("expires_ms", System.currentTimeMillis() + session.settings.leaseTime().toMillis());
        return JsonWriter.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** A lease's JSON, parsed only when flat (the registry is not trusted). */
    private static Object lease(byte[] bytes) {
        return RegistryEntry.FLAT_JSON.parse(new String(bytes, StandardCharsets.UTF_8));
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

    private long settleMillis() {
        return Math.max(20, Math.min(1000, session.settings.leaseTime().toMillis() / 60));
    }

    /** Takes the lease of {@code key}, or tells when the holder's expires. */
    State tryLease(String key) throws IOException, InterruptedException {
        ModelRegistry registry = session.registry();
        int gen = 0;
        for (int attempt = 0; attempt < 4 * MAX_LEASE_GENERATIONS && gen < MAX_LEASE_GENERATIONS; attempt++) {
            String name = RegistrySession.LEASES + key + "." + gen;
            String token = UUID.randomUUID().toString();
            Optional<byte[]> current;
            long createStart = System.nanoTime();
            if (registry.createIfAbsent(name, leaseBytes(token))) {
                if (registry.atomicCreate()) {
                    return new State(Optional.of(new Lease(this, name, gen, key, token)), 0);
                }
                // Some S3-compatible servers (S3Mock among them) check If-None-Match before writing, not
                // atomically: of simultaneous creates several succeed and the last one stays. Let the writes
                // in flight land, then keep the lease only if it is still ours. A write that overlapped ours
                // takes about as long as ours did, so the wait grows with the server's (or machine's) load.
                long createMillis = (System.nanoTime() - createStart) / 1_000_000;
                Thread.sleep(Math.min(MAX_SETTLE_MILLIS, Math.max(settleMillis(), 4 * createMillis)));
                current = registry.read(name, MAX_LEASE_BYTES);
                if (current.isPresent() && token.equals(token(current.get()))) {
                    return new State(Optional.of(new Lease(this, name, gen, key, token)), 0);
                }
            } else {
                current = registry.read(name, MAX_LEASE_BYTES);
            }
            if (current.isEmpty()) {
                continue;  // released meanwhile: try this generation again
            }
            long expires = expiry(current.get());
            if (expires > System.currentTimeMillis()) {
                return new State(Optional.empty(), expires);
            }
            Log.log.info("lease {} has expired (its holder stopped renewing it): taking it over", name);
            gen++;
        }
        throw new IOException("cannot take the lease of " + key + ": " + MAX_LEASE_GENERATIONS + " expired generations");
    }

    ScheduledExecutorService heartbeats() {
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

    long heartbeatMillis() {
        return Math.max(10, session.settings.leaseTime().toMillis() / 3);
    }

    ModelRegistry registry() {
        return session.registry();
    }

    private String holder() {
        String h = holder;
        if (h == null) {
            h = holderName();
            holder = h;
        }
        return h;
    }

    private static String holderName() {
        // No DNS look-up: the name only helps a person reading a lease.
        String host = Optional.ofNullable(System.getenv("HOSTNAME")).filter(h -> h.matches("[A-Za-z0-9.\\-]{1,64}"))
                .orElse("node");
        return host + "/" + ProcessHandle.current().pid() + "/" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Stops the heartbeats. */
    void close() {
        ScheduledExecutorService s = heartbeats;
        if (s != null) {
            s.shutdownNow();
        }
    }
}
