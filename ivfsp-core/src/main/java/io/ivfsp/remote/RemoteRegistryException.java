package io.ivfsp.remote;

/**
 * The model registry failed while it was required ({@code --remote-required}), or a registry URI or
 * setting is unusable. Its message names the registry without credentials.
 */
public final class RemoteRegistryException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed, naming the registry */
    public RemoteRegistryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** @param message what failed, naming the registry */
    public RemoteRegistryException(String message) {
        super(message);
    }
}
