package io.ivfsp.compile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds compiler backends. One choice order wherever a compiler is chosen (the generator subcommands'
 * {@code --backend} included): an explicit name, then the system property {@value #PROPERTY}, then the
 * environment variable {@value #ENVIRONMENT}, then {@value #AUTO}: the available non-simulated backend
 * of highest rank. A blank value at any level counts as not given. (The CLI's {@code fetch},
 * {@code publish} and {@code doctor --remote} choose no compiler: their backend flag names whose registry
 * entries to use, {@code atc} unless given, whatever this order would pick on the machine at hand.)
 *
 * <pre>{@code
 * OpCompiler compiler = OpCompilers.select(Optional.empty());   // ATC when a toolkit is installed
 * OpCompiler mock = OpCompilers.select(Optional.of("mock"));
 * }</pre>
 */
public final class OpCompilers {

    /** System property naming the backend. */
    public static final String PROPERTY = "ivfsp.compiler";
    /** Environment variable naming the backend. */
    public static final String ENVIRONMENT = "IVFSP_COMPILER";
    /** The name that asks for the choice by rank, as when no backend is named. */
    public static final String AUTO = "auto";

    private OpCompilers() {
    }

    /**
     * A backend asked for by name, and where the name came from.
     *
     * @param name   the backend's name, or {@value #AUTO}
     * @param source {@code "explicit"}, {@code "system property ivfsp.compiler"} or
     *               {@code "environment IVFSP_COMPILER"}
     */
    public record Request(String name, String source) {
        /** @throws NullPointerException if an argument is null */
        public Request {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
        }

        /** Whether this asks for the choice by rank rather than for one backend. */
        public boolean isAuto() {
            return name.equals(AUTO);
        }
    }

    /**
     * The backend asked for: {@code explicit}, else the property {@value #PROPERTY} of
     * {@code properties}, else {@value #ENVIRONMENT} of {@code environment}; empty when none names
     * one (then the choice is by rank).
     */
    public static Optional<Request> request(Optional<String> explicit, Properties properties,
                                            Map<String, String> environment) {
        // (ifs, not Optional's filter/map/or: each of their lambdas is linked when first met, a third of a
        // millisecond of a CLI run's start-up)
        if (explicit.isPresent() && !explicit.get().isBlank()) {
            return Optional.of(new Request(explicit.get(), "explicit"));
        }
        String property = properties.getProperty(PROPERTY);
        if (property != null && !property.isBlank()) {
            return Optional.of(new Request(property, "system property " + PROPERTY));
        }
        String variable = environment.get(ENVIRONMENT);
        if (variable != null && !variable.isBlank()) {
            return Optional.of(new Request(variable, "environment " + ENVIRONMENT));
        }
        return Optional.empty();
    }

    /** Every provider on the class path, highest rank first. */
    public static List<OpCompilerProvider> providers() {
        List<OpCompilerProvider> list = new ArrayList<>();
        ServiceLoader.load(OpCompilerProvider.class, OpCompilers.class.getClassLoader()).forEach(list::add);
        return byRankOrder(list);
    }

    /** The providers sorted highest rank first, then by name. */
    public static List<OpCompilerProvider> byRankOrder(List<OpCompilerProvider> providers) {
        List<OpCompilerProvider> list = new ArrayList<>(providers);
        list.sort(Comparator.comparingInt(OpCompilerProvider::rank).reversed()
                .thenComparing(OpCompilerProvider::name));
        return List.copyOf(list);
    }

    /** The provider of that name. */
    public static Optional<OpCompilerProvider> provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** Of {@code providers}, the available non-simulated one of highest rank. */
    public static Optional<OpCompilerProvider> highestRanked(List<OpCompilerProvider> providers) {
        return byRankOrder(providers).stream().filter(p -> !p.isSimulated() && p.unavailableReason().isEmpty())
                .findFirst();
    }

    /**
     * Chooses and creates a compiler, reading {@value #PROPERTY} from the system properties and
     * {@value #ENVIRONMENT} from the process environment.
     *
     * @param name an explicit backend name ({@value #AUTO} for the choice by rank), or empty to use
     *             the property, the environment, then rank
     * @throws IllegalArgumentException if the named backend does not exist, listing those that do
     * @throws IllegalStateException if the chosen backend is unavailable, or none is, saying why for each
     */
    public static OpCompiler select(Optional<String> name) {
        return select(name, System.getProperties(), System.getenv());
    }

    /**
     * {@link #select(Optional)} with the given properties and environment.
     *
     * @throws IllegalArgumentException if the named backend does not exist, listing those that do
     * @throws IllegalStateException if the chosen backend is unavailable, or none is, saying why for each
     */
    public static OpCompiler select(Optional<String> name, Properties properties, Map<String, String> environment) {
        return choose(request(name, properties, environment), providers()).create();
    }

    /**
     * The provider a request names among {@code providers}, or for no request (or {@value #AUTO})
     * the available non-simulated one of highest rank.
     *
     * @throws IllegalArgumentException if the named backend does not exist, listing those that do
     * @throws IllegalStateException if the chosen backend is unavailable, or none is, saying why for each
     */
    public static OpCompilerProvider choose(Optional<Request> request, List<OpCompilerProvider> providers) {
        if (request.isPresent() && !request.get().isAuto()) {
            Request r = request.get();
            for (OpCompilerProvider p : providers) {
                if (p.name().equals(r.name())) {
                    Optional<String> why = p.unavailableReason();
                    if (why.isPresent()) {
                        throw new IllegalStateException("compiler backend '" + r.name() + "' (" + r.source()
                                + ") is unavailable: " + why.get());
                    }
                    return p;
                }
            }
            throw new IllegalArgumentException("unknown compiler backend '" + r.name() + "' (" + r.source()
                    + "); available: " + byRankOrder(providers).stream().map(OpCompilerProvider::name)
                    .collect(Collectors.joining(", ")) + ", " + AUTO);
        }
        return highestRanked(providers).orElseThrow(() -> new IllegalStateException(
                "no compiler backend is available:" + System.lineSeparator() + describe(providers)));
    }

    /** One line per provider: name, rank, and whether it is available here and why not. */
    public static String describe() {
        return describe(providers());
    }

    /** {@link #describe()} for the given providers. */
    public static String describe(List<OpCompilerProvider> providers) {
        return byRankOrder(providers).stream().map(p -> "  " + describe(p)).collect(Collectors.joining(System.lineSeparator()));
    }

    /** One backend: its name, rank, whether it is simulated, and whether it is available or why not. */
    public static String describe(OpCompilerProvider p) {
        return p.name() + " (rank " + p.rank() + (p.isSimulated() ? ", simulated" : "") + "): "
                + p.unavailableReason().map(r -> "unavailable: " + r).orElse("available");
    }
}
