package io.ivfsp.atc;

/** No usable CANN toolkit where one was looked for; the message names the path and what to set. */
public final class ToolkitNotFoundException extends IllegalStateException {

    /** @param message where it looked and what to set */
    public ToolkitNotFoundException(String message) {
        super(message);
    }
}
