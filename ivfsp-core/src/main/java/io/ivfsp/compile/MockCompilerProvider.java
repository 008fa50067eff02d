package io.ivfsp.compile;

import java.util.Optional;

/** The simulated backend, {@code mock}: always available, used only when named. */
public final class MockCompilerProvider implements OpCompilerProvider {

    @Override
    public String name() {
        return "mock";
    }

    @Override
    public int rank() {
        return 0;
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.empty();
    }

    @Override
    public OpCompiler create() {
        return MockOpCompiler.create();
    }
}
