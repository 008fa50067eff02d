package io.ivfsp.remote;

import io.ivfsp.json.JsonReader;
import io.ivfsp.json.JsonWriter;
import io.ivfsp.store.Manifest;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * An action entry of the registry ({@code ac/<key>}): the models one cache key produced, each by
 * name, size and SHA-256 (its bytes are the CAS object {@code cas/sha256/<digest>}), and how long
 * the compile took, so that a node that fetches learns the measured cost.
 *
 * @param key            the registry cache key
 * @param models         the models, in op order
 * @param compileSeconds how long the publishing node took to compile them; 0 when not measured (compiled in a call
 *                       shared with other jobs)
 */
public record RegistryEntry(String key, List<Model> models, double compileSeconds) {

    /** The largest entry read. */
    public static final int MAX_BYTES = 64 * 1024;
    /** The largest model accepted from the registry (a real IVFSP model is a few MB). */
    public static final long MAX_MODEL_BYTES = 1L << 30;
    private static final int MAX_MODELS = 256;
    private static final Pattern KEY = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    /** An entry's JSON: a registry is not trusted not to send {@code [[[[...} or megabytes. */
    private static final JsonReader ENTRY_JSON = JsonReader.builder().maxDepth(4).maxLength(MAX_BYTES).build();
    /** A lease's or a compile time's JSON: one flat map, at most an entry's size. */
    static final JsonReader FLAT_JSON = JsonReader.builder().maxDepth(1).maxLength(MAX_BYTES).build();
    /** A model name as the catalog gives them: one file name, no separator, not hidden. */
    private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.\\-]{0,254}\\.om");

    public RegistryEntry {
        models = List.copyOf(models);
    }

    /**
     * A model of an entry.
     *
     * @param name   its file name in the model directory
     * @param size   its size in bytes
     * @param sha256 its SHA-256, lower-case hex
     */
    public record Model(String name, long size, String sha256) {
    }

    /** The entry's JSON bytes. */
    public byte[] toJson() {
        List<Object> ms = new ArrayList<>();
        for (Model m : models) {
            Map<String, Object> mm = new LinkedHashMap<>();
            mm.put("name", m.name());
            mm.put("size", m.size());
            mm.put("sha256", m.sha256());
            ms.add(mm);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", 1);
        root.put("key", key);
        root.put("compile_seconds", compileSeconds);
        root.put("models", ms);
        return JsonWriter.write(root).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Parses and checks an entry read from the registry for {@code expectedKey}.
     *
     * @throws IllegalArgumentException saying what is wrong: not an entry, another key, a model name with a
     *                                  separator or {@code ..}, a size or digest out of range
     */
    public static RegistryEntry parse(byte[] bytes, String expectedKey) {
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException("entry larger than " + MAX_BYTES + " bytes");
        }
        Object root = ENTRY_JSON.parse(new String(bytes, StandardCharsets.UTF_8));
        if (!(root instanceof Map<?, ?> rm) || !Long.valueOf(1).equals(rm.get("version"))) {
            throw new IllegalArgumentException("not an ivfsp registry entry of version 1");
        }
        if (!(rm.get("key") instanceof String key) || !KEY.matcher(key).matches() || !key.equals(expectedKey)) {
            throw new IllegalArgumentException("entry names another key: " + abbreviate(rm.get("key")));
        }
        if (!(rm.get("compile_seconds") instanceof Number cs) || !Double.isFinite(cs.doubleValue())
                || cs.doubleValue() < 0 || cs.doubleValue() > Manifest.MAX_COMPILE_SECONDS) {
            throw new IllegalArgumentException("compile_seconds missing or out of range: " + abbreviate(rm.get("compile_seconds")));
        }
        if (!(rm.get("models") instanceof List<?> list) || list.isEmpty() || list.size() > MAX_MODELS) {
            throw new IllegalArgumentException("models must be a list of 1.." + MAX_MODELS + " models");
        }
        List<Model> models = new ArrayList<>();
        for (Object o : list) {
            if (!(o instanceof Map<?, ?> mm) || !(mm.get("name") instanceof String name)
                    || !(mm.get("size") instanceof Long size) || !(mm.get("sha256") instanceof String sha)) {
                throw new IllegalArgumentException("a model must have a name, an integer size and a sha256");
            }
            checkModelName(name);
            if (size <= 0 || size > MAX_MODEL_BYTES) {
                throw new IllegalArgumentException("model " + name + ": size " + size + " is not within 1.." + MAX_MODEL_BYTES);
            }
            if (!SHA256.matcher(sha).matches()) {
                throw new IllegalArgumentException("model " + name + ": sha256 is not 64 lower-case hex digits: " + abbreviate(sha));
            }
            models.add(new Model(name, size, sha));
        }
        return new RegistryEntry(key, models, cs.doubleValue());
    }

    /**
     * Checks a model name from the registry by the rules of local ones: one file name ending in
     * {@code .om}, no separator, no {@code ..}, not hidden.
     *
     * @throws IllegalArgumentException if it breaks one
     */
    public static String checkModelName(String name) {
        if (!MODEL_NAME.matcher(name).matches() || name.contains("..")) {
            throw new IllegalArgumentException("model name " + abbreviate(name)
                    + " is not a plain .om file name (no separators, no '..', not hidden)");
        }
        return name;
    }

    private static String abbreviate(Object o) {
        String s = String.valueOf(o);
        s = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return "'" + s.replaceAll("[\\p{Cntrl}]", "?") + "'";
    }
}
