package io.ivfsp.store;

import io.ivfsp.json.JsonReader;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Reading a manifest's text, which is untrusted: every field type-checked, broken entries left out and named. */
final class ManifestParser {

    private ManifestParser() {
    }

    /**
     * What could be read of a manifest and what was wrong with it: entries that are broken are left out,
     * the rest kept. Never throws on bad text, however nested (any failure of the JSON reader, a stack
     * overflow included, makes the whole text a problem).
     */
    static Manifest.Parsed parseLeniently(String text) {
        Object root;
        try {
            root = JsonReader.read(text);
        } catch (RuntimeException | StackOverflowError e) {
            return new Manifest.Parsed(Manifest.empty(), List.of("not JSON: " + e));
        }
        if (!(root instanceof Map<?, ?> rm) || !(rm.get("files") instanceof Map<?, ?> files)
                || !(Long.valueOf(1).equals(rm.get("version")) || Long.valueOf(Manifest.VERSION).equals(rm.get("version")))) {
            return new Manifest.Parsed(Manifest.empty(), List.of("not an ivfsp manifest of version 1 or " + Manifest.VERSION));
        }
        List<String> problems = new ArrayList<>();
        boolean version1 = Long.valueOf(1).equals(rm.get("version"));
        Map<String, Manifest.Model> placed = new TreeMap<>();
        Map<String, ModelStat> stats = new TreeMap<>();
        if (rm.get("version").equals((long) Manifest.VERSION)) {
            if (!(rm.get("placed") instanceof List<?> list)) {
                problems.add("no list of placed models");
            } else {
                for (Object o : list) {
                    try {
                        Manifest.Model m = model(o);
                        placed.put(m.name(), m);
                        if (((Map<?, ?>) o).get("stat") != null) {
                            ModelStat s = ModelStat.fromJson(((Map<?, ?>) o).get("stat"));
                            if (s.size() != m.size()) {
                                throw new IllegalArgumentException("the stat of " + m.name() + " gives another size");
                            }
                            stats.put(m.name(), s);
                        }
                    } catch (RuntimeException e) {
                        problems.add("a placed model: " + e.getMessage());
                    }
                }
            }
        }
        Map<String, Manifest.Entry> entries = new TreeMap<>();
        for (Map.Entry<?, ?> e : files.entrySet()) {
            try {
                Manifest.Entry entry = entry(e.getValue());
                String name = (String) e.getKey();
                // Plain loops, no lambdas or streams: a warm run of a fresh JVM parses every manifest.
                boolean differs = false;
                for (Manifest.Model m : entry.models()) {
                    if (placed.containsKey(m.name()) && !placed.get(m.name()).equals(m)) {
                        differs = true;
                    }
                }
                if (differs) {
                    if (version1) {
                        // Version 1 kept an entry whose model a later compile replaced: stale, not corrupt.
                        continue;
                    }
                    throw new IllegalArgumentException("a model differs from the one recorded as placed");
                }
                for (Manifest.Model m : entry.models()) {
                    placed.putIfAbsent(m.name(), m);
                }
                entries.put(name, entry);
                // As the Manifest constructor checks it, without building a manifest per entry (copying every placed
                // model each time): its name, and its models as placed (not so if it names one twice).
                Manifest.checkEntry(name, entry, placed);
            } catch (RuntimeException ex) {
                entries.remove(String.valueOf(e.getKey()));
                problems.add("entry " + ModelNames.quote(String.valueOf(e.getKey())) + ": " + ex.getMessage());
            }
        }
        return new Manifest.Parsed(new Manifest(entries, placed, stats), problems);
    }

    private static Manifest.Entry entry(Object o) {
        Map<?, ?> em = (Map<?, ?>) o;
        List<Manifest.Model> models = new ArrayList<>();
        for (Object m : (List<?>) em.get("models")) {
            models.add(model(m));
        }
        Optional<SharedCall> call = Optional.empty();
        if (em.containsKey("shared_call")) {
            if (!(em.get("shared_call") instanceof Map<?, ?> cm) || !(cm.get("ops") instanceof Long ops)
                    || !(cm.get("million_elements") instanceof Number elements) || !(cm.get("seconds") instanceof Number seconds)) {
                throw new IllegalArgumentException("shared_call must hold the integer ops and the numbers million_elements"
                        + " and seconds");
            }
            if (ops < 2 || ops > SharedCall.MAX_OPS) {  // before narrowing: a long's low bits could look valid
                throw new IllegalArgumentException("a shared call's ops must be 2.." + SharedCall.MAX_OPS + ": " + ops);
            }
            call = Optional.of(new SharedCall(ops.intValue(), elements.doubleValue(), seconds.doubleValue()));
        }
        return new Manifest.Entry((String) em.get("key"), models, ((Number) em.get("compile_seconds")).doubleValue(), call);
    }

    private static Manifest.Model model(Object o) {
        Map<?, ?> mm = (Map<?, ?>) o;
        if (!(mm.get("size") instanceof Long size)) {
            throw new IllegalArgumentException("a model size is not an integer");
        }
        return new Manifest.Model((String) mm.get("name"), size, (String) mm.get("sha256"));
    }
}
