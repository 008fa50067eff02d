package io.ivfsp.nativeacl;

/**
 * A native feature was asked for where the ACL binding cannot load. The message lists every load
 * attempt and what to set; each attempt's error is a suppressed exception.
 */
public final class NativeUnavailableException extends IllegalStateException {

    /** @param message what was tried and what to set */
    public NativeUnavailableException(String message) {
        super(message);
    }
}
