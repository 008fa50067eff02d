package io.ivfsp.store;

/** How closely a model recorded in the manifest is checked before it is reused. */
public enum Verification {
    /** The file exists with the recorded size: one {@code stat} per model, the default at startup. */
    SIZE,
    /** The file's SHA-256 equals the recorded one: reads every model. */
    HASH
}
