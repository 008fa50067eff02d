package io.ivfsp.store;

import io.ivfsp.json.JsonWriter;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the store knows about the models of one output directory, kept in the hidden file
 * {@value #FILE_NAME} there (mxIndex reads only {@code *.om}): per single-op JSON file, its cache
 * key, the models it produced (name, size, SHA-256) and how long it took to compile; and every model
 * the store placed in the directory and has not removed since, whether a JSON file still names it or
 * not, so that prune can find models a configuration change left behind; and, for a placed model whose
 * content the store last knew, what {@code lstat} said of it then ({@link ModelStat}), so that a warm
 * run need not read it again.
 *
 * @param entries by JSON file name
 * @param placed  every model the store placed there and has not removed, by file name
 * @param stats   the stat recorded for some placed models, by file name
 */
public record Manifest(Map<String, Entry> entries, Map<String, Model> placed, Map<String, ModelStat> stats) {

    /** The manifest's file name in each output directory. */
    public static final String FILE_NAME = ".ivfsp-manifest.json";
    /** The version written; version 1 (without {@code placed}) is still read. */
    static final int VERSION = 2;

    /**
     * @throws IllegalArgumentException if a name is not one the catalog gives, or an entry's model is not placed
     */
    public Manifest {
        entries = Map.copyOf(entries);
        placed = Map.copyOf(placed);
        stats = Map.copyOf(stats);
        for (Map.Entry<String, ModelStat> e : stats.entrySet()) {
            Model m = placed.get(e.getKey());
            if (m == null || m.size() != e.getValue().size()) {
                throw new IllegalArgumentException("a stat is recorded for a model not placed with that size: "
                        + ModelNames.quote(e.getKey()));
            }
        }
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            checkEntry(e.getKey(), e.getValue(), placed);
        }
        for (Map.Entry<String, Model> e : placed.entrySet()) {  // no lambda: a warm run makes every manifest
            if (!e.getKey().equals(e.getValue().name())) {
                throw new IllegalArgumentException("placed model recorded under another name: " + ModelNames.quote(e.getKey()));
            }
        }
    }

    /** @throws IllegalArgumentException unless the entry's name is one the catalog gives and its models are those placed */
    static void checkEntry(String name, Entry entry, Map<String, Model> placed) {
        if (!ModelNames.isJson(name)) {
            throw new IllegalArgumentException("not a JSON file name of the catalog: " + ModelNames.quote(name));
        }
        for (Model m : entry.models()) {
            if (!m.equals(placed.get(m.name()))) {
                throw new IllegalArgumentException("entry " + name + " names a model not recorded as placed: "
                        + ModelNames.quote(m.name()));
            }
        }
    }

    /** A manifest without recorded stats. */
    public Manifest(Map<String, Entry> entries, Map<String, Model> placed) {
        this(entries, placed, Map.of());
    }

    /** A manifest whose placed models are exactly those its entries record. */
    public Manifest(Map<String, Entry> entries) {
        this(entries, placedBy(entries));
    }

    private static Map<String, Model> placedBy(Map<String, Entry> entries) {
        Map<String, Model> placed = new TreeMap<>();
        entries.values().forEach(e -> e.models().forEach(m -> placed.put(m.name(), m)));
        return placed;
    }

    /** No entries. */
    public static Manifest empty() {
        return new Manifest(Map.of(), Map.of());
    }

    /** The longest compile time kept, in seconds (11 days): a larger one is no measurement. */
    public static final double MAX_COMPILE_SECONDS = 1e6;

    /**
     * One compiled JSON file.
     *
     * @param key            its cache key
     * @param models         the models it produced, in op order
     * @param compileSeconds how long it took to compile; 0 when not measured (a member of a call shared with other
     *                       jobs, whose time alone the call cannot tell)
     * @param sharedCall     the call it was compiled in with other jobs, as a whole; empty when compiled alone
     */
    public record Entry(String key, List<Model> models, double compileSeconds, Optional<SharedCall> sharedCall) {
        /** @throws IllegalArgumentException if the key is not a plain token or the time is outside 0..{@link #MAX_COMPILE_SECONDS} */
        public Entry {
            models = List.copyOf(models);
            if (!ModelNames.isKey(key)) {
                throw new IllegalArgumentException("not a cache key: " + ModelNames.quote(String.valueOf(key)));
            }
            if (!(compileSeconds >= 0) || compileSeconds > MAX_COMPILE_SECONDS) {
                throw new IllegalArgumentException("compile time must be 0.." + MAX_COMPILE_SECONDS + " seconds: "
                        + compileSeconds);
            }
            Objects.requireNonNull(sharedCall);
        }

        /** A job compiled alone. */
        public Entry(String key, List<Model> models, double compileSeconds) {
            this(key, models, compileSeconds, Optional.empty());
        }
    }

    /**
     * One model file.
     *
     * @param name   its file name in the directory
     * @param size   its size in bytes
     * @param sha256 its SHA-256, lower-case hex
     * @throws IllegalArgumentException if the name is not a model name of the catalog (so never a path),
     *                                  the size is negative or the hash not a SHA-256
     */
    public record Model(String name, long size, String sha256) {
        public Model {
            if (!ModelNames.isModel(name)) {
                throw new IllegalArgumentException("not a model file name of the catalog: " + ModelNames.quote(String.valueOf(name)));
            }
            if (size < 0) {
                throw new IllegalArgumentException("model size must not be negative: " + size);
            }
            if (!ModelNames.isSha256(sha256)) {
                throw new IllegalArgumentException("not a SHA-256: " + ModelNames.quote(String.valueOf(sha256)));
            }
        }

        // Written out: a record's generated equals and hashCode link through an invokedynamic bootstrap, which
        // costs milliseconds on first use in a fresh JVM, and a warm generate() uses these as map keys.
        @Override
        public boolean equals(Object other) {
            return other == this || (other instanceof Model o && name.equals(o.name) && size == o.size && sha256.equals(o.sha256));
        }

        @Override
        public int hashCode() {
            int h = 0;
            h = 31 * h + name.hashCode();
            h = 31 * h + Long.hashCode(size);
            h = 31 * h + sha256.hashCode();
            return h;
        }
    }

    /** The entry of a JSON file. */
    public Optional<Entry> entry(String jsonFile) {
        return Optional.ofNullable(entries.get(jsonFile));
    }

    /** This manifest with {@code jsonFile}'s entry replaced and its models recorded as placed. */
    public Manifest with(String jsonFile, Entry entry) {
        Map<String, Entry> m = new TreeMap<>(entries);
        m.put(jsonFile, entry);
        Map<String, Model> p = new TreeMap<>(placed);
        entry.models().forEach(x -> p.put(x.name(), x));
        // A model placed again under a name an older entry records, with other content: that entry is stale.
        m.entrySet().removeIf(e -> e.getValue().models().stream().anyMatch(x -> !x.equals(p.get(x.name()))));
        return new Manifest(m, p, statsOf(p));
    }

    /**
     * This manifest with {@code models} recorded as placed, before they are moved into place: a crash
     * between the move and the entry that records them then leaves models that prune still knows.
     * Entries naming a model about to be replaced with other content are stale and dropped.
     */
    public Manifest placing(List<Model> models) {
        Map<String, Model> p = new TreeMap<>(placed);
        models.forEach(x -> p.put(x.name(), x));
        Map<String, Entry> m = new TreeMap<>(entries);
        m.entrySet().removeIf(e -> e.getValue().models().stream().anyMatch(x -> !x.equals(p.get(x.name()))));
        // A model about to be replaced has no stat yet: whatever was recorded described the old file.
        Map<String, ModelStat> s = new TreeMap<>(stats);
        models.forEach(x -> s.remove(x.name()));
        return new Manifest(m, p, s);
    }

    /** This manifest without {@code jsonFile}'s entry; the models stay recorded as placed. */
    public Manifest without(String jsonFile) {
        Map<String, Entry> m = new TreeMap<>(entries);
        m.remove(jsonFile);
        return new Manifest(m, placed, stats);
    }

    /** This manifest without the placed model {@code name} and the entries that name it. */
    public Manifest forget(String name) {
        Map<String, Entry> m = new TreeMap<>(entries);
        m.entrySet().removeIf(e -> e.getValue().models().stream().anyMatch(x -> x.name().equals(name)));
        Map<String, Model> p = new TreeMap<>(placed);
        p.remove(name);
        return new Manifest(m, p, statsOf(p));
    }

    /**
     * This manifest with {@code observed} recorded for the placed models it names, each taken when the
     * model was found to hold {@code sha256s}' content; a stat of a model since placed with other content
     * (by another process), or no longer placed, is left out.
     */
    Manifest withStats(Map<String, ModelStat> observed, Map<String, String> sha256s) {
        Map<String, ModelStat> s = new TreeMap<>(stats);
        observed.forEach((name, stat) -> {
            Model m = placed.get(name);
            if (m != null && m.sha256().equals(sha256s.get(name)) && m.size() == stat.size()) {
                s.put(name, stat);
            }
        });
        return new Manifest(entries, placed, s);
    }

    /** The recorded stats of the models still placed with the same content. */
    private Map<String, ModelStat> statsOf(Map<String, Model> p) {
        Map<String, ModelStat> s = new TreeMap<>(stats);
        s.keySet().removeIf(name -> !placed.get(name).equals(p.get(name)));
        return s;
    }

    /** The manifest's JSON text. */
    public String toJson() {
        Map<String, Object> files = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : new TreeMap<>(entries).entrySet()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("key", e.getValue().key());
            em.put("compile_seconds", e.getValue().compileSeconds());
            e.getValue().sharedCall().ifPresent(c -> {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("ops", (long) c.ops());
                cm.put("million_elements", c.millionElements());
                cm.put("seconds", c.seconds());
                em.put("shared_call", cm);
            });
            em.put("models", e.getValue().models().stream().map(Manifest::json).toList());
            files.put(e.getKey(), em);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", VERSION);
        root.put("files", files);
        root.put("placed", new TreeMap<>(placed).values().stream().map(m -> {
            Map<String, Object> mm = json(m);
            Optional.ofNullable(stats.get(m.name())).ifPresent(s -> mm.put("stat", s.toJson()));
            return mm;
        }).toList());
        return JsonWriter.write(root);
    }

    private static Map<String, Object> json(Model m) {
        Map<String, Object> mm = new LinkedHashMap<>();
        mm.put("name", m.name());
        mm.put("size", m.size());
        mm.put("sha256", m.sha256());
        return mm;
    }

    /**
     * Parses a manifest, strictly.
     *
     * @throws IllegalArgumentException if the text is not a valid manifest of version 1 or 2
     */
    public static Manifest parse(String text) {
        Parsed p = parseLeniently(text);
        if (!p.problems().isEmpty()) {
            throw new IllegalArgumentException(p.problems().get(0));
        }
        return p.manifest();
    }

    /**
     * What could be read of a manifest and what was wrong with it: entries that are broken are left out,
     * the rest kept. Never throws on bad text, however nested.
     */
    static Parsed parseLeniently(String text) {
        return ManifestParser.parseLeniently(text);
    }

    /**
     * A manifest as far as it could be read.
     *
     * @param manifest what was valid
     * @param problems what was not, empty when the text was a valid manifest
     */
    record Parsed(Manifest manifest, List<String> problems) {
    }
}
