package io.ivfsp.testing;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;

import java.util.Optional;

/** A compiler backend that only answers the questions a choice of backend asks; it makes no compiler. */
public record StubProvider(String name, int rank, boolean isSimulated, Optional<String> unavailableReason)
        implements OpCompilerProvider {

    @Override
    public OpCompiler create() {
        throw new UnsupportedOperationException("a stub is only chosen, never made");
    }
}
