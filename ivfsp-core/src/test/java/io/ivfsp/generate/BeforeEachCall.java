package io.ivfsp.generate;

import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A compiler that is another one (same name, identity and simulation) except that {@code before} runs ahead
 * of each call: for tests that change what the run meets while it is under way.
 */
final class BeforeEachCall implements OpCompiler {

    /** What to do before a call; an {@link IOException} fails the test. */
    interface Hook {
        void before(CompileRequest request) throws IOException;
    }

    private final OpCompiler compiler;
    private final Hook hook;

    BeforeEachCall(OpCompiler compiler, Hook hook) {
        this.compiler = compiler;
        this.hook = hook;
    }

    @Override
    public String name() {
        return compiler.name();
    }

    @Override
    public String cacheIdentity() {
        return compiler.cacheIdentity();
    }

    @Override
    public boolean isSimulated() {
        return compiler.isSimulated();
    }

    @Override
    public CompileOutcome compile(CompileRequest request) throws InterruptedException {
        try {
            hook.before(request);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return compiler.compile(request);
    }
}
