package io.ivfsp.generate;

import io.ivfsp.compile.CompileFailure;

/** A generation in which some job failed or was not started; carries the whole result. */
public final class GenerationException extends RuntimeException {

    private final transient GenerationResult result;

    /** @param result the unsuccessful result */
    public GenerationException(GenerationResult result) {
        super(describe(result));
        this.result = result;
    }

    /** The result, with the models that were produced and every failure. */
    public GenerationResult result() {
        return result;
    }

    private static String describe(GenerationResult r) {
        StringBuilder sb = new StringBuilder().append(r.failures().size()).append(" of ")
                .append(r.files().size()).append(" JSON files failed to compile");
        if (!r.skipped().isEmpty()) {
            sb.append(", ").append(r.skipped().size()).append(" not started");
        }
        for (CompileFailure f : r.failures()) {
            sb.append(System.lineSeparator()).append(f.describe());
        }
        return sb.toString();
    }
}
