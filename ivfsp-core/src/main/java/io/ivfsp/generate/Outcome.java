package io.ivfsp.generate;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.store.StoredModel;

import java.util.List;
import java.util.Optional;

/** How a job ended: its models (reused or not), or a failure, or not started. */
record Outcome(List<StoredModel> models, boolean reused, Optional<CompileFailure> failure, boolean skipped) {
    static Outcome done(List<StoredModel> models, boolean reused) {
        return new Outcome(models, reused, Optional.empty(), false);
    }

    static Outcome failed(CompileFailure f) {
        return new Outcome(List.of(), false, Optional.of(f), false);
    }

    static Outcome notStarted() {
        return new Outcome(List.of(), false, Optional.empty(), true);
    }
}
