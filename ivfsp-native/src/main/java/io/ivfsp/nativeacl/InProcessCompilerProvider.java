package io.ivfsp.nativeacl;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;

import java.util.Optional;

/**
 * The in-process backend, {@code native}: available where the ACL binding loads and
 * {@value InProcessAtcCompiler#LIBRARY} exports {@value InProcessAtcCompiler#SYMBOL}. Ranked below
 * {@code atc}, whose parallel processes finish a whole plan sooner. Simulated (never chosen
 * automatically) when the library is the mock CANN's.
 */
public final class InProcessCompilerProvider implements OpCompilerProvider {

    @Override
    public String name() {
        return "native";
    }

    @Override
    public int rank() {
        return 50;
    }

    /**
     * True when {@value InProcessAtcCompiler#LIBRARY} is the mock CANN's (it identifies itself): its
     * models are simulated, so the backend is then only used when named, like the mock backend.
     */
    @Override
    public boolean isSimulated() {
        return NativeAcl.isAvailable() && unavailableReason().isEmpty()
                && InProcessAtcCompiler.open(InProcessAtcCompiler.LIBRARY).isSimulated();
    }

    @Override
    public Optional<String> unavailableReason() {
        Optional<NativeUnavailableException> why = NativeAcl.unavailabilityCause();
        if (why.isPresent()) {
            return Optional.of(why.get().getMessage());
        }
        return InProcessAtcCompiler.unavailableReason(InProcessAtcCompiler.LIBRARY);
    }

    @Override
    public OpCompiler create() {
        return InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
    }
}
