package io.ivfsp.generate;

import io.ivfsp.ops.OpFile;

import java.util.List;

/**
 * The unit of work of a run: one distinct model content (same JSON bytes, SoC, options and compiler,
 * so the same cache key) in one output directory, and the JSON files of the plans it serves.
 */
final class Job {
    final OpFile file;
    final List<OpFile> members;
    final String key;
    final double millionElements;
    /** The compile time the manifest recorded for it, or NaN. */
    final double recordedSeconds;
    volatile double estimate;

    Job(OpFile file, List<OpFile> members, String key, double recordedSeconds) {
        this.file = file;
        this.members = List.copyOf(members);
        this.key = key;
        this.millionElements = CostModel.millionElements(file);
        this.recordedSeconds = recordedSeconds;
    }

    /** Its expected seconds alone: what was recorded, else what the model predicts. */
    double expected(CostModel model) {
        return recordedSeconds > 0 ? recordedSeconds : model.predict(file);
    }
}
