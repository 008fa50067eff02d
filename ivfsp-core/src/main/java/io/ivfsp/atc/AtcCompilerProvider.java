package io.ivfsp.atc;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;

import java.util.Optional;

/** The ATC process backend, {@code atc}: available where {@code $ASCEND_HOME/$ASCEND_VERSION/bin/atc} exists. */
public final class AtcCompilerProvider implements OpCompilerProvider {

    /** Rank of the ATC backend: preferred over every simulated one. */
    public static final int RANK = 100;

    @Override
    public String name() {
        return "atc";
    }

    @Override
    public int rank() {
        return RANK;
    }

    @Override
    public Optional<String> unavailableReason() {
        AtcToolkit toolkit = AtcToolkit.discover();
        return toolkit.hasAtc() ? Optional.empty() : Optional.of(toolkit.missingAtcMessage());
    }

    @Override
    public OpCompiler create() {
        return AtcCompiler.builder().build();
    }
}
