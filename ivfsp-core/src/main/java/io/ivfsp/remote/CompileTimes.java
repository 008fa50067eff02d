package io.ivfsp.remote;

import io.ivfsp.json.JsonWriter;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compile times measured by the nodes of a fleet, kept apart from the models so that they outlive a
 * toolkit upgrade: {@code times/<key>}, where the key covers a JSON file's content, the SoC and the
 * compiler's name but not the toolkit's identity (a new toolkit changes every model key, hardly the
 * costs). One immutable object per content, created with a conditional write: concurrent writers
 * cannot corrupt it, the first measurement stays. Read back at the start of a run so that a node whose
 * manifests know nothing plans its cold run with measured costs.
 *
 * <p>What the registry answers is untrusted: an object is at most {@link #MAX_BYTES} bytes of flat JSON,
 * its seconds finite and within (0, {@link #MAX_SECONDS}], its op count that of the local file; at most
 * {@link #MAX_READS} are read per run. Anything else is ignored (it only steers the schedule).
 */
final class CompileTimes {

    static final int MAX_BYTES = 1024;
    static final double MAX_SECONDS = 24 * 3600;
    static final int MAX_READS = 1024;
    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(CompileTimes.class);
    }

    private final RegistrySession session;

    CompileTimes(RegistrySession session) {
        this.session = session;
    }

    /** The object's content for a file that took {@code seconds} to compile. */
    byte[] bytes(OpFile file, double seconds) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", 1);
        m.put("key", session.timeKey(file));
        m.put("ops", file.ops().size());
        m.put("seconds", seconds);
        return JsonWriter.write(m).getBytes(StandardCharsets.UTF_8);
    }

    /** Records how long {@code file} took, unless a time is recorded for its content already. */
    void publish(OpFile file, double seconds) throws IOException {
        if (Double.isFinite(seconds) && seconds > 0 && seconds <= MAX_SECONDS) {
            session.registry().createIfAbsent(RegistrySession.TIMES + session.timeKey(file), bytes(file, seconds));
        }
    }

    /**
     * The recorded compile time of each file that has a valid one. A registry failure ends the reading
     * (handled as everywhere: one warning and the registry is skipped, or fatal when required).
     */
    Map<OpFile, Double> read(List<OpFile> files) {
        Map<OpFile, Double> times = new LinkedHashMap<>();
        try {
            for (OpFile f : files.stream().distinct().limit(MAX_READS).toList()) {
                String key = session.timeKey(f);
                Optional<byte[]> raw;
                try {
                    raw = session.registry().read(RegistrySession.TIMES + key, MAX_BYTES);
                } catch (RegistryLimitException e) {
                    Log.log.debug("ignoring compile time {}: {}", key, e.getMessage());
                    continue;
                }
                raw.flatMap(b -> parse(b, key, f.ops().size())).ifPresent(s -> times.put(f, s));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RemoteRegistryException r) {
                throw r;
            }
            session.failed("failed while reading compile times", e);
        }
        return times;
    }

    /** The seconds of a compile-time object, when it is one for this key and op count. */
    static Optional<Double> parse(byte[] bytes, String expectedKey, int ops) {
        if (bytes.length > MAX_BYTES) {
            return Optional.empty();
        }
        try {
            Object parsed = RegistryEntry.FLAT_JSON.parse(new String(bytes, StandardCharsets.UTF_8));
            if (parsed instanceof Map<?, ?> m && Long.valueOf(1).equals(m.get("version"))
                    && expectedKey.equals(m.get("key")) && Long.valueOf(ops).equals(m.get("ops"))
                    && m.get("seconds") instanceof Number n) {
                double s = n.doubleValue();
                if (Double.isFinite(s) && s > 0 && s <= MAX_SECONDS) {
                    return Optional.of(s);
                }
            }
        } catch (IllegalArgumentException e) {
            // Not a compile time.
        }
        Log.log.debug("ignoring compile time {}: not a valid compile-time object", expectedKey);
        return Optional.empty();
    }
}
