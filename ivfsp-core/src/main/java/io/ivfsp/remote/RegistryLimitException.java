package io.ivfsp.remote;

import java.io.IOException;

/** An object in the registry is larger than what its reader accepts: the registry is not trusted. */
public final class RegistryLimitException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param name the object, @param limit the most bytes accepted */
    public RegistryLimitException(String name, long limit) {
        super("registry object " + name + " is larger than the " + limit + " bytes accepted");
    }
}
