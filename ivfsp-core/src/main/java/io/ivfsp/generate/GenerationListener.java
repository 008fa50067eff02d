package io.ivfsp.generate;

import io.ivfsp.compile.CompileFailure;

import java.util.List;

/**
 * Told about each job of a generation, from the worker threads. Exceptions it throws are logged
 * and otherwise ignored.
 */
public interface GenerationListener {

    /** Does nothing. */
    GenerationListener NONE = new GenerationListener() {
    };

    /** A job started compiling. */
    default void jobStarted(JobProgress progress) {
    }

    /** A job's models are in place. */
    default void jobSucceeded(JobProgress progress, List<ModelHandle> models) {
    }

    /** A job failed; nothing of it is in the output directories. */
    default void jobFailed(JobProgress progress, CompileFailure failure) {
    }

    /** A job was not started because of fail-fast or cancellation. */
    default void jobSkipped(JobProgress progress) {
    }
}
