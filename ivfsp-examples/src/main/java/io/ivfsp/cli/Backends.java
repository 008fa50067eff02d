package io.ivfsp.cli;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.atc.AtcCompilerProvider;
import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The compiler backends as the CLI sees them: those on the class path, with {@code atc} bound to
 * the toolkit of {@code --toolkit} (or of the CLI's environment) instead of the process's, so that
 * {@code generate} and {@code doctor} judge the same toolkit.
 */
final class Backends {

    private Backends() {
    }

    /** Every backend, highest rank first, {@code atc} bound to {@code toolkit} and {@code environment}. */
    static List<OpCompilerProvider> providers(AtcToolkit toolkit, Map<String, String> environment) {
        return OpCompilers.byRankOrder(OpCompilers.providers().stream()
                .map(p -> p.name().equals("atc") ? new BoundAtc(toolkit, environment) : p).toList());
    }

    /** The backend asked for by flag, system property, then the CLI's environment; empty: by rank. */
    static Optional<OpCompilers.Request> request(Optional<String> flag, Map<String, String> environment) {
        return OpCompilers.request(flag, System.getProperties(), environment);
    }

    /** {@code atc} for a given toolkit, its child processes starting from a given environment. */
    private record BoundAtc(AtcToolkit toolkit, Map<String, String> environment) implements OpCompilerProvider {
        @Override
        public String name() {
            return "atc";
        }

        @Override
        public int rank() {
            return AtcCompilerProvider.RANK;
        }

        @Override
        public Optional<String> unavailableReason() {
            return toolkit.hasAtc() ? Optional.empty() : Optional.of(toolkit.missingAtcMessage());
        }

        @Override
        public OpCompiler create() {
            return AtcCompiler.builder().toolkit(toolkit.requireAtc()).baseEnvironment(environment).build();
        }
    }
}
