package io.ivfsp.compile;

import java.util.Optional;

/**
 * A compiler backend found through {@link java.util.ServiceLoader}: list implementations in
 * {@code META-INF/services/io.ivfsp.compile.OpCompilerProvider}.
 */
public interface OpCompilerProvider {

    /** The backend's name, as chosen by {@code --backend} or {@code ivfsp.compiler}. */
    String name();

    /** Preference when no backend is named: the available, non-simulated backend of highest rank wins. */
    int rank();

    /** Whether this backend produces simulated models; such a backend is only used when named. */
    default boolean isSimulated() {
        return false;
    }

    /** Why this backend cannot work here (e.g. no toolkit found), or empty when it can. */
    Optional<String> unavailableReason();

    /**
     * Creates a compiler with this backend's default settings.
     *
     * @throws IllegalStateException if the backend is unavailable, saying why
     */
    OpCompiler create();
}
