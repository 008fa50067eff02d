package io.ivfsp.generate;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;


/**
 * A run's Chrome trace, when one was asked for: the worker lane of the calling thread, the run's
 * header, a slice per compiler call, an instant per reused or deferred job; written when the run ends.
 * Without a trace file every call does nothing.
 */
final class RunTrace {

    private final Optional<Path> file;
    private final Optional<TraceWriter> trace;
    // No lambdas where a warm run passes (constructor, reused): they cost a fresh JVM milliseconds each.
    private final ThreadLocal<Integer> lane = new ThreadLocal<>() {
        @Override
        protected Integer initialValue() {
            return 0;
        }
    };

    RunTrace(Optional<Path> file, long start) {
        this.file = file;
        this.trace = file.isPresent() ? Optional.of(new TraceWriter(start)) : Optional.empty();
    }

    /** The calling thread is worker {@code laneNumber} (from 1) from now on. */
    void enterLane(int laneNumber) {
        lane.set(laneNumber);
    }

    /** The run's lanes and what it was asked and planned to do. */
    void header(GenerationSettings settings, int workerCount, CostModel costs, int jobs, Batching.Plan<Job> plan) {
        trace.ifPresent(t -> {
            t.lanes(workerCount);
            t.about("compiler", settings.compiler().name());
            t.about("parallelism", settings.parallelism());
            t.about("batching", settings.batching().name());
            t.about("cost_model", costAbout(costs));
            t.about("jobs", jobs);
            t.about("calls", plan.tasks().size());
            t.about("predicted_makespan_s", TraceWriter.round(plan.predicted()));
            t.about("predicted_unbatched_s", TraceWriter.round(plan.unbatched()));
        });
    }

    private static Map<String, Object> costAbout(CostModel m) {
        Map<String, Object> about = new LinkedHashMap<>();
        about.put("startup_s", TraceWriter.round(m.startup()));
        about.put("per_op_s", TraceWriter.round(m.perOp()));
        about.put("per_million_elements_s", TraceWriter.round(m.perMillionElements()));
        about.put("samples", m.samples());
        return about;
    }

    /** A job reused from the output root. */
    void reused(Job job, List<String> models) {
        if (trace.isPresent()) {
            trace.get().instant(lane.get(), System.nanoTime(), "reused " + job.file.fileName(), "reuse",
                    Map.of("file", job.file.fileName(), "models", models));
        }
    }

    /** Jobs put off because another generator holds their lock. */
    void deferred(List<Job> busy) {
        trace.ifPresent(t -> busy.forEach(j -> t.instant(lane.get(), System.nanoTime(), "deferred " + j.file.fileName(),
                "lock", Map.of("file", j.file.fileName(), "why", "another generator holds its lock"))));
    }

    /** One compiler call on this lane from {@code start} to {@code end} (nanoTime). */
    void call(long start, long end, List<String> files, List<String> ops, double predicted, String status) {
        trace.ifPresent(tw -> tw.call(lane.get(), start, end, files, ops, predicted, status));
    }

    /** Writes the trace file; a failure is logged, not thrown: the models are what the run is for. */
    void write() {
        if (trace.isEmpty() || file.isEmpty()) {
            return;
        }
        try {
            trace.get().write(file.get());
        } catch (IOException | RuntimeException e) {
            RunLog.log.warn("could not write the trace {}: {}", file.get(), e.toString());
        }
    }
}
