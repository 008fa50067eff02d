package io.ivfsp.generate;

import io.ivfsp.json.JsonWriter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects a generation as Chrome trace events (the JSON object format of the Trace Event Format,
 * which Perfetto and chrome://tracing open): one lane per worker, a complete event per compiler call
 * with its files, ops, predicted and real seconds, and an instant event per reused job. Thread-safe;
 * the file is written once, at the end, atomically.
 */
final class TraceWriter {

    private static final int PID = 1;

    private final long origin;
    private final List<Map<String, Object>> events = new ArrayList<>();
    private final Map<String, Object> about = new LinkedHashMap<>();

    /** A trace whose time 0 is {@code originNanos} ({@link System#nanoTime()}). */
    TraceWriter(long originNanos) {
        this.origin = originNanos;
    }

    private long micros(long nanos) {
        return Math.max(0, (nanos - origin) / 1000);
    }

    /** Names the process and the worker lanes 1..workers. */
    synchronized void lanes(int workers) {
        events.add(metadata("process_name", 0, Map.of("name", "ivfsp generate")));
        for (int w = 1; w <= workers; w++) {
            events.add(metadata("thread_name", w, Map.of("name", "worker " + w)));
            events.add(metadata("thread_sort_index", w, Map.of("sort_index", w)));
        }
    }

    /** A run-wide fact shown under the trace's metadata (cost model, batching decision). */
    synchronized void about(String key, Object value) {
        about.put(key, value);
    }

    /**
     * One compiler call on a worker's lane.
     *
     * @param files     the JSON files it compiled, one per job
     * @param ops       their op types
     * @param predicted its predicted seconds
     * @param status    "ok", or what went wrong
     */
    synchronized void call(int lane, long startNanos, long endNanos, List<String> files, List<String> ops,
                           double predicted, String status) {
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("files", List.copyOf(files));
        args.put("ops", List.copyOf(ops));
        args.put("predicted_s", round(predicted));
        args.put("real_s", round((endNanos - startNanos) / 1e9));
        args.put("status", status);
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", files.size() == 1 ? files.get(0) : "batch of " + files.size() + ": " + String.join(", ", files));
        e.put("cat", files.size() == 1 ? "atc" : "atc,batch");
        e.put("ph", "X");
        e.put("ts", micros(startNanos));
        e.put("dur", Math.max(1, (endNanos - startNanos) / 1000));
        e.put("pid", PID);
        e.put("tid", lane);
        e.put("args", args);
        events.add(e);
    }

    /** A point on a worker's lane: a reused job, a job deferred because another process holds its lock. */
    synchronized void instant(int lane, long nanos, String name, String category, Map<String, Object> args) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("cat", category);
        e.put("ph", "i");
        e.put("s", "t");
        e.put("ts", micros(nanos));
        e.put("pid", PID);
        e.put("tid", lane);
        e.put("args", new LinkedHashMap<>(args));
        events.add(e);
    }

    /** The trace's JSON text. */
    synchronized String toJson() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("traceEvents", new ArrayList<>(events));
        root.put("displayTimeUnit", "ms");
        root.put("otherData", new LinkedHashMap<>(about));
        return JsonWriter.write(root);
    }

    /**
     * Writes the trace to {@code file}: into a temporary file beside it, then renamed into place, so
     * that no reader sees half a trace.
     *
     * @throws IOException if it cannot be written, or {@code file} is a directory or a symbolic link
     */
    void write(Path file) throws IOException {
        Path target = file.toAbsolutePath();
        if (Files.isSymbolicLink(target)) {
            throw new IOException("refusing to write the trace through a symbolic link: " + target);
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("the trace file is a directory: " + target);
        }
        Path dir = target.getParent();
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            Files.writeString(tmp, toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static Map<String, Object> metadata(String name, int tid, Map<String, Object> args) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", name);
        e.put("ph", "M");
        e.put("pid", PID);
        e.put("tid", tid);
        e.put("args", args);
        return e;
    }

    static double round(double seconds) {
        return Math.round(seconds * 1e6) / 1e6;
    }
}
