package io.ivfsp.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;

/** Finds the registry implementation for a URI scheme through {@link ServiceLoader}. */
public final class ModelRegistries {

    private ModelRegistries() {
    }

    /** The providers on the class path. */
    public static List<ModelRegistryProvider> providers() {
        List<ModelRegistryProvider> list = new ArrayList<>();
        ServiceLoader.load(ModelRegistryProvider.class, ModelRegistries.class.getClassLoader()).forEach(list::add);
        return list;
    }

    /**
     * Opens the registry of {@code settings}, by the scheme of its URI.
     *
     * @throws IllegalArgumentException if no implementation serves the scheme (naming those that exist),
     *                                  or the URI is not valid for it
     */
    public static ModelRegistry open(RemoteSettings settings) {
        return provider(settings).open(settings);
    }

    /**
     * The implementation serving the scheme of {@code settings}' URI (nothing is opened).
     *
     * @throws IllegalArgumentException if none does, naming those that exist
     */
    public static ModelRegistryProvider provider(RemoteSettings settings) {
        String scheme = settings.uri().getScheme().toLowerCase(Locale.ROOT);
        List<ModelRegistryProvider> all = providers();
        for (ModelRegistryProvider p : all) {
            if (p.scheme().equals(scheme)) {
                return p;
            }
        }
        throw new IllegalArgumentException("remote registry (--remote) = " + settings.uri() + ": no implementation for '"
                + scheme + "://' on the class path; available: "
                + String.join(", ", all.stream().map(p -> p.scheme() + "://").toList())
                + (scheme.equals("s3") ? " (s3:// needs the ivfsp-remote-s3 module)" : ""));
    }
}
