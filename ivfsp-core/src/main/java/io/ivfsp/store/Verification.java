package io.ivfsp.store;

/** How closely a model recorded in the manifest is checked before it is reused. */
public enum Verification {
    /**
     * One {@code lstat} per model: a model whose size, modification time, file key (device and inode)
     * and change time are those the manifest recorded when the store last knew its content is trusted;
     * any other (changed, replaced, recorded by an older version, or rewritten too soon after it was
     * recorded to tell) is read and its SHA-256 compared, then its stat recorded. The default.
     */
    STAT,
    /** The file's SHA-256 equals the recorded one: reads every model. */
    HASH
}
