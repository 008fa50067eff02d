package io.ivfsp.remote;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A shared store of named, immutable objects (a bucket prefix, a directory on a shared file system)
 * that {@link RemoteModels} uses as a model registry. Names are relative, {@code /}-separated, made
 * of {@code [a-z0-9._-]} segments that are never {@code .} or {@code ..}; {@link #checkName} checks them.
 *
 * <p>Implementations are found through {@link ModelRegistryProvider}, by URI scheme. Every method
 * either answers or fails within the configured timeout and retries: none may block for ever.
 * A refusal for lack of permission is reported as {@link RegistryAccessDeniedException}, so that a
 * node with read-only credentials still fetches.
 */
public interface ModelRegistry extends AutoCloseable {

    /** Where the registry is, without any credential: safe to print. */
    URI uri();

    /**
     * Checks that the registry answers (without writing).
     *
     * @throws IOException if it is unreachable, missing or refuses to be read
     */
    void check() throws IOException;

    /**
     * The content of {@code name}, or empty when there is no such object.
     *
     * @throws RegistryLimitException if it is larger than {@code maxBytes}
     * @throws IOException            if the registry fails
     */
    Optional<byte[]> read(String name, int maxBytes) throws IOException;

    /**
     * Copies {@code name} into the new file {@code target} (which must not exist).
     *
     * @return false when there is no such object (nothing is then created)
     * @throws RegistryLimitException if it is larger than {@code maxBytes} (the partial file is removed)
     * @throws IOException            if the registry or the copy fails (the partial file is removed)
     */
    boolean readTo(String name, Path target, long maxBytes) throws IOException;

    /** Whether {@code name} exists. */
    boolean exists(String name) throws IOException;

    /**
     * Creates {@code name} with {@code content} unless it exists, atomically ({@code If-None-Match: *}):
     * of several concurrent callers exactly one succeeds, and readers see the whole content or nothing.
     *
     * @return true when this call created it, false when it already existed
     */
    boolean createIfAbsent(String name, byte[] content) throws IOException;

    /**
     * Whether {@link #createIfAbsent} is atomic even for simultaneous callers. When it is not known to be
     * (some S3-compatible servers check the condition, then write), a lease is confirmed by reading it back
     * after the writes in flight have landed. Default false.
     */
    default boolean atomicCreate() {
        return false;
    }

    /** Same as {@link #createIfAbsent(String, byte[])} with a file's content. */
    boolean createIfAbsent(String name, Path content) throws IOException;

    /** Writes {@code name}, replacing it atomically if it exists (a lease's heartbeat, a repaired blob). */
    void overwrite(String name, byte[] content) throws IOException;

    /** Same as {@link #overwrite(String, byte[])} with a file's content. */
    void overwrite(String name, Path content) throws IOException;

    /** Removes {@code name} if it exists. */
    void delete(String name) throws IOException;

    /** Releases the connections; the registry is not used afterwards. */
    @Override
    void close();

    /**
     * Copies at most {@code maxBytes} of an object's content, for implementations of {@link #readTo}.
     *
     * @throws RegistryLimitException if there are more
     */
    static void copyBounded(String name, java.io.InputStream in, java.io.OutputStream out, long maxBytes)
            throws IOException {
        byte[] buf = new byte[1 << 16];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new RegistryLimitException(name, maxBytes);
            }
            out.write(buf, 0, n);
        }
    }

    /**
     * Checks an object name: relative, segments of {@code [a-z0-9._-]}, none empty, {@code .} or {@code ..}.
     *
     * @return the name
     * @throws IllegalArgumentException if it is not one
     */
    static String checkName(String name) {
        if (name.isEmpty() || name.length() > 512 || !name.matches("[a-z0-9._-]+(/[a-z0-9._-]+)*")) {
            throw new IllegalArgumentException("invalid registry object name: " + name);
        }
        for (String seg : name.split("/")) {
            if (seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("invalid registry object name: " + name);
            }
        }
        return name;
    }
}
