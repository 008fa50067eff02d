package io.ivfsp.generate;

import io.ivfsp.ops.OpFile;

import java.time.Duration;

/**
 * Where a generation stands when a job starts or ends.
 *
 * @param file       the job's op file
 * @param total      jobs in the generation
 * @param succeeded  jobs that produced their models so far
 * @param failed     jobs that failed so far
 * @param skipped    jobs not started (fail-fast or cancellation) so far
 * @param running    jobs running now (including this one when it starts)
 * @param elapsed    time since the generation started
 * @param jobElapsed time this job ran (zero when it starts or is skipped)
 */
public record JobProgress(OpFile file, int total, int succeeded, int failed, int skipped, int running,
                          Duration elapsed, Duration jobElapsed) {

    /** Jobs that have ended in any way. */
    public int completed() {
        return succeeded + failed + skipped;
    }
}
