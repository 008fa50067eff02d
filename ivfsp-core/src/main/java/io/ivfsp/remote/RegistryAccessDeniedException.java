package io.ivfsp.remote;

import java.io.IOException;

/** The registry refused an operation for lack of permission (e.g. a write with read-only credentials). */
public final class RegistryAccessDeniedException extends IOException {
    private static final long serialVersionUID = 1L;

    /** @param message what was refused, without any credential */
    public RegistryAccessDeniedException(String message, Throwable cause) {
        super(message, cause);
    }
}
