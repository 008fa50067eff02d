package io.ivfsp.store;

import io.ivfsp.json.JsonReader;
import io.ivfsp.json.JsonWriter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the store knows about the models of one output directory, kept in the hidden file
 * {@value #FILE_NAME} there (mxIndex reads only {@code *.om}): per single-op JSON file, its cache
 * key, the models it produced (name, size, SHA-256) and how long it took to compile.
 *
 * @param entries by JSON file name
 */
public record Manifest(Map<String, Entry> entries) {

    /** The manifest's file name in each output directory. */
    public static final String FILE_NAME = ".ivfsp-manifest.json";

    public Manifest {
        entries = Map.copyOf(entries);
    }

    /** No entries. */
    public static Manifest empty() {
        return new Manifest(Map.of());
    }

    /**
     * One compiled JSON file.
     *
     * @param key            its cache key
     * @param models         the models it produced, in op order
     * @param compileSeconds how long it took to compile
     */
    public record Entry(String key, List<Model> models, double compileSeconds) {
        public Entry {
            models = List.copyOf(models);
        }
    }

    /**
     * One model file.
     *
     * @param name   its file name in the directory
     * @param size   its size in bytes
     * @param sha256 its SHA-256, lower-case hex
     */
    public record Model(String name, long size, String sha256) {
    }

    /** The entry of a JSON file. */
    public Optional<Entry> entry(String jsonFile) {
        return Optional.ofNullable(entries.get(jsonFile));
    }

    /** This manifest with {@code jsonFile}'s entry replaced. */
    public Manifest with(String jsonFile, Entry entry) {
        Map<String, Entry> m = new TreeMap<>(entries);
        m.put(jsonFile, entry);
        return new Manifest(m);
    }

    /** This manifest without {@code jsonFile}'s entry. */
    public Manifest without(String jsonFile) {
        Map<String, Entry> m = new TreeMap<>(entries);
        m.remove(jsonFile);
        return new Manifest(m);
    }

    /** The manifest's JSON text. */
    public String toJson() {
        Map<String, Object> files = new LinkedHashMap<>();
        for (Map.Entry<String, Entry> e : new TreeMap<>(entries).entrySet()) {
            Map<String, Object> em = new LinkedHashMap<>();
            em.put("key", e.getValue().key());
            em.put("compile_seconds", e.getValue().compileSeconds());
            List<Object> models = new ArrayList<>();
            for (Model m : e.getValue().models()) {
                Map<String, Object> mm = new LinkedHashMap<>();
                mm.put("name", m.name());
                mm.put("size", m.size());
                mm.put("sha256", m.sha256());
                models.add(mm);
            }
            em.put("models", models);
            files.put(e.getKey(), em);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("files", files);
        return JsonWriter.write(root);
    }

    /**
     * Parses a manifest.
     *
     * @throws IllegalArgumentException if the text is not a manifest of this version
     */
    public static Manifest parse(String text) {
        Object root = JsonReader.read(text);
        if (!(root instanceof Map<?, ?> rm) || !Long.valueOf(1).equals(rm.get("version"))
                || !(rm.get("files") instanceof Map<?, ?> files)) {
            throw new IllegalArgumentException("not an ivfsp manifest of version 1");
        }
        Map<String, Entry> entries = new TreeMap<>();
        for (Map.Entry<?, ?> e : files.entrySet()) {
            Map<?, ?> em = (Map<?, ?>) e.getValue();
            List<Model> models = new ArrayList<>();
            for (Object o : (List<?>) em.get("models")) {
                Map<?, ?> mm = (Map<?, ?>) o;
                models.add(new Model((String) mm.get("name"), ((Number) mm.get("size")).longValue(),
                        (String) mm.get("sha256")));
            }
            entries.put((String) e.getKey(), new Entry((String) em.get("key"), models,
                    ((Number) em.get("compile_seconds")).doubleValue()));
        }
        return new Manifest(entries);
    }
}
