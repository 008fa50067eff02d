package io.ivfsp.remote;

/**
 * A registry implementation found through {@link java.util.ServiceLoader} ({@code
 * META-INF/services/io.ivfsp.remote.ModelRegistryProvider}), chosen by the scheme of the registry URI:
 * {@code file} in ivfsp-core, {@code s3} in ivfsp-remote-s3.
 */
public interface ModelRegistryProvider {

    /** The URI scheme it serves, lower case, e.g. {@code s3}. */
    String scheme();

    /**
     * Opens the registry the settings name.
     *
     * @throws IllegalArgumentException if the URI or a setting is not valid for this scheme
     * @throws java.io.UncheckedIOException if the client cannot be set up
     */
    ModelRegistry open(RemoteSettings settings);
}
