package io.ivfsp.cli;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.atc.AtcCompilerProvider;
import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;

import java.io.PrintWriter;
import java.util.ArrayList;
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

    /** The names {@code --backend} takes: every backend on the class path, highest rank first, then {@code auto}. */
    static List<String> names() {
        List<String> names = new ArrayList<>(OpCompilers.providers().stream().map(OpCompilerProvider::name).toList());
        names.add(OpCompilers.AUTO);
        return names;
    }

    /** The backend asked for by flag, system property, then the CLI's environment; empty: by rank. */
    static Optional<OpCompilers.Request> request(Optional<String> flag, Map<String, String> environment) {
        return OpCompilers.request(flag, System.getProperties(), environment);
    }

    /**
     * The compiler to use and whether its backend was named (by flag, property or environment)
     * rather than found by rank; or none, and the exit status, the reason having been printed.
     */
    record Choice(Optional<OpCompiler> compiler, boolean named, int exit) {
    }

    /**
     * The one backend choice of every subcommand: {@code --backend}, then {@code ivfsp.compiler},
     * then {@code IVFSP_COMPILER}, then the available real backend of highest rank; {@code auto}
     * falls back to an available simulated backend, saying so when {@code tellFallback}.
     */
    static Choice choose(String command, Optional<String> flag, AtcToolkit toolkit, Map<String, String> environment,
                         boolean tellFallback, PrintWriter err) {
        List<OpCompilerProvider> providers = providers(toolkit, environment);
        Optional<OpCompilers.Request> request = request(flag, environment);
        boolean auto = request.map(OpCompilers.Request::isAuto).orElse(false);
        OpCompilerProvider provider;
        try {
            provider = OpCompilers.choose(request, providers);
        } catch (IllegalArgumentException e) {
            err.println("ivfsp " + command + ": " + e.getMessage());
            return new Choice(Optional.empty(), false, IvfspCli.INVALID);
        } catch (IllegalStateException e) {
            Optional<OpCompilerProvider> simulated = providers.stream()
                    .filter(p -> p.isSimulated() && p.unavailableReason().isEmpty()).findFirst();
            if (auto && simulated.isPresent()) {
                if (tellFallback) {
                    err.println("ivfsp " + command + ": no real compiler backend is available, so --backend auto uses '"
                            + simulated.get().name() + "':" + System.lineSeparator() + OpCompilers.describe(providers));
                }
                return new Choice(Optional.of(simulated.get().create()), false, IvfspCli.OK);
            }
            err.println("ivfsp " + command + ": " + e.getMessage());
            err.println("To write the JSON files without compiling, run: ivfsp " + command + " --plan ...;"
                    + " to try the whole flow without a toolkit: --backend mock.");
            return new Choice(Optional.empty(), false, IvfspCli.COMPILE_FAILURE);
        }
        return new Choice(Optional.of(provider.create()), request.isPresent() && !auto, IvfspCli.OK);
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
