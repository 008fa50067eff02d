package io.ivfsp.remote;

import java.io.IOException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** This node's lease on a registry key: renewed while held, removed when closed. */
public final class Lease implements AutoCloseable {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(Lease.class);
    }

    private final Leases leases;
    private final String name;
    private final int generation;
    private final String key;
    private final String token;
    private final ScheduledFuture<?> heartbeat;
    private boolean released;

    Lease(Leases leases, String name, int generation, String key, String token) {
        this.leases = leases;
        this.name = name;
        this.generation = generation;
        this.key = key;
        this.token = token;
        long every = leases.heartbeatMillis();
        this.heartbeat = leases.heartbeats().scheduleWithFixedDelay(this::renew, every, every, TimeUnit.MILLISECONDS);
    }

    private synchronized void renew() {
        if (released) {
            return;
        }
        try {
            leases.registry().overwrite(name, leases.leaseBytes(token));
        } catch (IOException | RuntimeException e) {
            Log.log.debug("could not renew lease {}: {}", name, e.toString());
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
                leases.registry().delete(RegistrySession.LEASES + key + "." + g);
            } catch (IOException | RuntimeException e) {
                Log.log.debug("could not remove lease {}: {} (it expires by itself)", name, e.toString());
                return;
            }
        }
    }
}
