package io.ivfsp.cli;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.atc.AtcCompilerProvider;
import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.MockCompilerProvider;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The compiler backends as the CLI sees them: those on the class path, with {@code atc} bound to
 * the toolkit of {@code --toolkit} (or of the CLI's environment) instead of the process's, so that
 * {@code generate} and {@code doctor} judge the same toolkit.
 */
final class Backends {

    /** The names of the backends the CLI ships: made by {@link #shipped}, whatever else on the class path has the name. */
    static final List<String> SHIPPED = List.of("atc", "native", "mock");

    /** The provider of {@code native}: ivfsp-native is a run-time dependency of the CLI, so it is named, not linked. */
    private static final String NATIVE_PROVIDER = "io.ivfsp.nativeacl.InProcessCompilerProvider";

    private Backends() {
    }

    /** Every backend, highest rank first, {@code atc} bound to {@code toolkit} and {@code environment}. */
    static List<OpCompilerProvider> providers(AtcToolkit toolkit, Map<String, String> environment) {
        return bound(OpCompilers.providers(), toolkit, environment);
    }

    /**
     * The providers a look-up {@code found}, each backend the CLI ships as {@link #shipped} makes it, once
     * ({@code atc} bound to {@code toolkit} and {@code environment}), highest rank first: a shipped name
     * means the shipped backend whether it is chosen with a look-up or without one.
     */
    static List<OpCompilerProvider> bound(List<OpCompilerProvider> found, AtcToolkit toolkit,
                                          Map<String, String> environment) {
        List<OpCompilerProvider> list = new ArrayList<>();
        Set<String> shipped = new HashSet<>();
        for (OpCompilerProvider p : found) {
            Optional<OpCompilerProvider> own = shipped(p.name(), toolkit, environment);
            if (own.isEmpty()) {
                list.add(p);
            } else if (shipped.add(p.name())) {
                list.add(own.get());
            }
        }
        return OpCompilers.byRankOrder(list);
    }

    /** The names {@code --backend} takes: every backend on the class path, highest rank first, then {@code auto}. */
    static List<String> names() {
        List<String> names = new ArrayList<>(OpCompilers.providers().stream().map(OpCompilerProvider::name).toList());
        names.add(OpCompilers.AUTO);
        return names;
    }

    /** Whether {@code --backend} takes {@code name}: one of {@link #names()}, looked up only for a name the CLI does not ship. */
    static boolean isName(String name) {
        return name.equals(OpCompilers.AUTO) || name.equals("atc") || shipped(name).isPresent() || names().contains(name);
    }

    /**
     * The provider of a backend that the CLI ships ({@code atc}, {@code mock}, and {@code native} when
     * its jar is on the class path), made without looking through the class path: a look-up opens every
     * jar of it, 15 ms of a warm run that names its backend, where the class-data archive spares the
     * rest of the run from opening any. Empty for any other name.
     */
    private static Optional<OpCompilerProvider> shipped(String name, AtcToolkit toolkit, Map<String, String> environment) {
        return name.equals("atc") ? Optional.of(new BoundAtc(toolkit, environment)) : shipped(name);
    }

    /** {@link #shipped(String, AtcToolkit, Map)} for the backends other than {@code atc}. */
    static Optional<OpCompilerProvider> shipped(String name) {
        switch (name) {
            case "mock":
                return Optional.of(new MockCompilerProvider());
            case "native":
                try {
                    return Optional.of(Class.forName(NATIVE_PROVIDER, true, Backends.class.getClassLoader())
                            .asSubclass(OpCompilerProvider.class).getConstructor().newInstance());
                } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
                    return Optional.empty();   // its jar is not on the class path: a look-up says what is
                }
            default:
                return Optional.empty();
        }
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
        Optional<OpCompilers.Request> request = request(flag, environment);
        boolean auto = request.isPresent() && request.get().isAuto();
        // A backend named and shipped is chosen among itself alone, by the same rules (unavailable: why).
        Optional<OpCompilerProvider> shipped = request.isEmpty() || auto ? Optional.empty()
                : shipped(request.get().name(), toolkit, environment);
        List<OpCompilerProvider> providers = shipped.isPresent() ? List.of(shipped.get()) : providers(toolkit, environment);
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
