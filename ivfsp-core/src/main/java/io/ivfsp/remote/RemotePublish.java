package io.ivfsp.remote;

import io.ivfsp.ops.OpFile;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishing a compiled job: each model's bytes unless the registry has them (a copy that failed its
 * digest is repaired), then the entry with a conditional create, so readers see a complete entry or
 * none; then its compile time ({@link CompileTimes}).
 */
final class RemotePublish {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(RemotePublish.class);
    }

    private final RegistrySession session;
    private final RemoteFetch fetch;
    private final CompileTimes times;

    RemotePublish(RegistrySession session, RemoteFetch fetch, CompileTimes times) {
        this.session = session;
        this.fetch = fetch;
        this.times = times;
    }

    /** See {@link RemoteModels#publish}. */
    RemoteModels.Published publish(OpFile file, List<StoredModel> models, Duration compileTime) {
        if (!session.enabled() || session.readOnly()) {
            return RemoteModels.Published.SKIPPED;
        }
        String key = session.key(file);
        try {
            if (!session.ensureOpen()) {
                return RemoteModels.Published.SKIPPED;
            }
            ModelRegistry registry = session.registry();
            List<RegistryEntry.Model> ms = new ArrayList<>();
            for (StoredModel m : models) {
                String blob = RegistrySession.CAS + m.sha256();
                if (session.badDigests.remove(m.sha256())) {
                    // The registry's copy failed its digest: these bytes have it, so they repair it.
                    registry.overwrite(blob, m.path());
                } else if (!registry.exists(blob)) {
                    registry.createIfAbsent(blob, m.path());
                }
                ms.add(new RegistryEntry.Model(m.path().getFileName().toString(), m.size(), m.sha256()));
            }
            double seconds = compileTime.toNanos() / 1e9;
            RegistryEntry entry = new RegistryEntry(key, ms, seconds);
            RemoteModels.Published published = RemoteModels.Published.PUBLISHED;
            if (!registry.createIfAbsent(RegistrySession.AC + key, entry.toJson())) {
                published = compareWithPublished(file, key, ms);
            } else {
                Log.log.debug("published {} (key {}) to {}", file.fileName(), key, session.settings.uri());
            }
            times.publish(file, seconds);
            return published;
        } catch (RegistryAccessDeniedException | AccessDeniedException e) {
            session.becomeReadOnly(e);
            return RemoteModels.Published.SKIPPED;
        } catch (IOException | RuntimeException e) {
            if (e instanceof RemoteRegistryException r) {
                throw r;
            }
            session.failed("failed while publishing " + key, e);
            return RemoteModels.Published.SKIPPED;
        }
    }

    private RemoteModels.Published compareWithPublished(OpFile file, String key, List<RegistryEntry.Model> ours)
            throws IOException {
        Optional<RegistryEntry> theirs = fetch.entry(file, key).entry();
        if (theirs.isPresent() && !theirs.get().models().equals(ours)) {
            session.warn("registry entry " + key + " (" + file.fileName() + ") was published by another"
                    + " node with other bytes than this node compiled (" + digests(theirs.get().models()) + " there, "
                    + digests(ours) + " here): the compiler is not deterministic; the registry keeps the first");
            return RemoteModels.Published.DIFFERENT;
        }
        return RemoteModels.Published.ALREADY_PRESENT;
    }

    private static String digests(List<RegistryEntry.Model> ms) {
        return String.join(",", ms.stream().map(m -> m.sha256().substring(0, 12)).toList());
    }
}
