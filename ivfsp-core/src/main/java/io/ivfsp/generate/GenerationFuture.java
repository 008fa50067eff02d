package io.ivfsp.generate;

import io.ivfsp.compile.Cancellation;

import java.util.concurrent.CompletableFuture;

/** A generation in progress; {@link #cancel(boolean)} kills its running compiler processes. */
public final class GenerationFuture extends CompletableFuture<GenerationResult> {
    private final Cancellation cancellation;

    GenerationFuture(Cancellation cancellation) {
        this.cancellation = cancellation;
    }

    /** Stops the generation: no job starts any more, running compilers are killed. */
    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        // Cancel first: killing the jobs lets the run complete, which must not win the race.
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        cancellation.cancel();
        return cancelled;
    }
}
