package io.ivfsp.compile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/**
 * Finds compiler backends. Choice order: an explicit name, then the system property
 * {@value #PROPERTY}, then the environment variable {@value #ENVIRONMENT}, then the available
 * non-simulated backend of highest rank.
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

    private OpCompilers() {
    }

    /** Every provider on the class path, highest rank first. */
    public static List<OpCompilerProvider> providers() {
        List<OpCompilerProvider> list = new ArrayList<>();
        ServiceLoader.load(OpCompilerProvider.class, OpCompilers.class.getClassLoader()).forEach(list::add);
        list.sort(Comparator.comparingInt(OpCompilerProvider::rank).reversed()
                .thenComparing(OpCompilerProvider::name));
        return List.copyOf(list);
    }

    /** The provider of that name. */
    public static Optional<OpCompilerProvider> provider(String name) {
        return providers().stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Chooses and creates a compiler.
     *
     * @param name an explicit backend name, or empty to use the property, the environment, then rank
     * @throws IllegalArgumentException if the named backend does not exist, listing those that do
     * @throws IllegalStateException if the chosen backend is unavailable, or none is, saying why for each
     */
    public static OpCompiler select(Optional<String> name) {
        List<OpCompilerProvider> providers = providers();
        Optional<String> chosen = name.or(() -> Optional.ofNullable(System.getProperty(PROPERTY)))
                .or(() -> Optional.ofNullable(System.getenv(ENVIRONMENT)))
                .filter(n -> !n.isBlank());
        if (chosen.isPresent()) {
            String n = chosen.get();
            OpCompilerProvider p = providers.stream().filter(x -> x.name().equals(n)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown compiler backend '" + n
                            + "'; available: " + providers.stream().map(OpCompilerProvider::name)
                            .collect(Collectors.joining(", "))));
            p.unavailableReason().ifPresent(why -> {
                throw new IllegalStateException("compiler backend '" + n + "' is unavailable: " + why);
            });
            return p.create();
        }
        for (OpCompilerProvider p : providers) {
            if (!p.isSimulated() && p.unavailableReason().isEmpty()) {
                return p.create();
            }
        }
        throw new IllegalStateException("no compiler backend is available:" + System.lineSeparator() + describe());
    }

    /** One line per provider: name, rank, and whether it is available here and why not. */
    public static String describe() {
        return providers().stream()
                .map(p -> "  " + p.name() + " (rank " + p.rank() + (p.isSimulated() ? ", simulated" : "") + "): "
                        + p.unavailableReason().map(r -> "unavailable: " + r).orElse("available"))
                .collect(Collectors.joining(System.lineSeparator()));
    }
}
