package io.ivfsp.remote;

import io.ivfsp.files.Sha256;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reading entries and installing their models: every model checked for size and SHA-256 before the
 * local store moves it into place; a bad entry is reported with its key and never installed.
 */
final class RemoteFetch {

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(RemoteFetch.class);
    }

    private final RegistrySession session;

    RemoteFetch(RegistrySession session) {
        this.session = session;
    }

    /**
     * The entry of {@code key}, checked.
     *
     * @param entry   the entry, when there is a good one
     * @param problem what is wrong with the entry there is, if any
     */
    record Lookup(Optional<RegistryEntry> entry, Optional<String> problem) {
    }

    /**
     * What fetching one job gave.
     *
     * @param models the installed models, when fetched
     * @param bad    whether the registry's entry is bad (the job then compiles locally without a lease)
     */
    record Result(Optional<List<StoredModel>> models, double compileSeconds, boolean bad) {
        static final Result ABSENT = new Result(Optional.empty(), 0, false);
        static final Result BAD = new Result(Optional.empty(), 0, true);
    }

    Lookup entry(OpFile file, String key) throws IOException {
        Optional<byte[]> raw;
        try {
            raw = session.registry().read(RegistrySession.AC + key, RegistryEntry.MAX_BYTES);
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

    /** Fetches one job's models into the store and records them under {@code recordKey}. */
    Result fetch(OpFile file, List<OpFile> members, String key, String recordKey, ModelStore store) throws IOException {
        Lookup lookup = entry(file, key);
        if (lookup.problem().isPresent()) {
            session.report(file, key, lookup.problem().get() + "; compiling it locally");
            return Result.BAD;
        }
        Optional<RegistryEntry> entry = lookup.entry();
        if (entry.isEmpty()) {
            return Result.ABSENT;
        }
        ModelStore.Staging staging;
        try {
            staging = store.stage(file);
        } catch (IOException e) {
            session.warn("cannot stage fetched models of " + file.fileName() + ": " + e.getMessage()
                    + "; compiling it locally");
            return Result.BAD;
        }
        try (staging) {
            Optional<String> problem = download(entry.get(), staging.out());
            if (problem.isPresent()) {
                session.report(file, key, problem.get() + "; compiling it locally");
                return Result.BAD;
            }
            List<StoredModel> stored;
            try {
                stored = store.publish(file, staging);
                store.record(members, recordKey, stored, seconds(entry.get().compileSeconds()));
            } catch (IOException | RuntimeException e) {
                session.warn("cannot install fetched models of " + file.fileName() + ": " + e.getMessage()
                        + "; compiling it locally");
                return Result.BAD;
            }
            Log.log.debug("fetched {} (key {}) from {}", file.fileName(), key, session.settings.uri());
            return new Result(Optional.of(stored), entry.get().compileSeconds(), false);
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
                if (!session.registry().readTo(RegistrySession.CAS + m.sha256(), target, m.size())) {
                    return Optional.of("model " + m.name() + " (sha256 " + m.sha256() + ") is missing from the registry");
                }
            } catch (RegistryLimitException e) {
                session.badDigests.add(m.sha256());
                return Optional.of("model " + m.name() + " is larger than the " + m.size() + " bytes its entry gives");
            }
            long size = Files.size(target);
            String sha = Sha256.of(target);
            if (size != m.size() || !sha.equals(m.sha256())) {
                session.badDigests.add(m.sha256());
                return Optional.of("model " + m.name() + " is corrupt: " + size + " bytes with sha256 " + sha
                        + ", its entry gives " + m.size() + " bytes with sha256 " + m.sha256());
            }
        }
        return Optional.empty();
    }

    /** See {@link RemoteModels#fetchAll}: all or nothing. */
    List<StoredModel> fetchAll(List<OpFile> files, ModelStore store) {
        Map<String, List<OpFile>> groups = new LinkedHashMap<>();
        Map<String, String> keys = new LinkedHashMap<>();
        for (OpFile f : files) {
            String key = session.key(f);
            String group = f.outputDirectory() + "/" + key;
            keys.put(group, key);
            List<OpFile> members = groups.computeIfAbsent(group, g -> new ArrayList<>());
            if (!members.contains(f)) {
                members.add(f);
            }
        }
        List<MissingModelsException.Missing> missing = new ArrayList<>();
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
                    missing.add(new MissingModelsException.Missing(file, key,
                            lookup.problem().orElse("no entry in the registry")));
                    continue;
                }
                ModelStore.Staging staging = store.stage(file);
                stagings.add(staging);
                Optional<String> problem = download(lookup.entry().get(), staging.out());
                if (problem.isPresent()) {
                    missing.add(new MissingModelsException.Missing(file, key, problem.get()));
                    continue;
                }
                double secs = lookup.entry().get().compileSeconds();
                installs.add(() -> {
                    try {
                        List<StoredModel> stored = store.publish(file, staging);
                        store.record(g.getValue(), key, stored, seconds(secs));
                        installed.addAll(stored);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot install " + file.fileName() + ": " + e.getMessage(), e);
                    }
                });
            }
            if (!missing.isEmpty()) {
                throw new MissingModelsException(missing);
            }
            installs.forEach(Runnable::run);
            return installed;
        } catch (IOException e) {
            throw new RemoteRegistryException("model registry " + session.settings.uri() + " failed while fetching "
                    + current + ": " + RegistrySession.describe(e), e);
        } finally {
            stagings.forEach(ModelStore.Staging::close);
        }
    }

    private static Duration seconds(double s) {
        return Duration.ofNanos((long) (s * 1e9));
    }
}
