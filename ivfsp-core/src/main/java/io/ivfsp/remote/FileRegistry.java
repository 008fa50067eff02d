package io.ivfsp.remote;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/**
 * A registry in a directory of a shared file system ({@code file:///shared/ivfsp}), no server needed.
 * Objects are files under the directory; a new one is written beside it and linked into place (a hard
 * link fails when the name exists, which gives {@code If-None-Match: *}); symbolic links are never
 * followed. The directory must exist: a missing mount counts as the registry being down.
 */
public final class FileRegistry implements ModelRegistry {

    private static final String TEMP_DIRECTORY = ".tmp";

    private final URI uri;
    private final Path root;

    private FileRegistry(URI uri, Path root) {
        this.uri = uri;
        this.root = root;
    }

    /**
     * The registry at a {@code file:} URI.
     *
     * @throws IllegalArgumentException if it is not an absolute {@code file:///dir} URI
     */
    public static FileRegistry open(URI uri) {
        if (!"file".equalsIgnoreCase(uri.getScheme()) || uri.getPath() == null || uri.getPath().isEmpty()
                || (uri.getHost() != null && !uri.getHost().isEmpty())) {
            throw new IllegalArgumentException("remote registry (--remote) = " + uri
                    + ": a file registry is file:///absolute/dir (no host)");
        }
        return new FileRegistry(uri, Path.of(uri.getPath()).toAbsolutePath().normalize());
    }

    @Override
    public URI uri() {
        return uri;
    }

    /** The directory. */
    public Path root() {
        return root;
    }

    @Override
    public void check() throws IOException {
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            throw new NoSuchFileException(root.toString(), null, "the registry directory does not exist or is not a directory");
        }
        if (!Files.isReadable(root)) {
            throw new AccessDeniedException(root.toString(), null, "the registry directory cannot be read");
        }
    }

    private Path path(String name) throws IOException {
        ModelRegistry.checkName(name);
        check();
        Path p = root.resolve(name).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("invalid registry object name: " + name);
        }
        // No component below the root may be a link: the registry never leads out of its directory.
        for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
            if (Files.isSymbolicLink(q)) {
                throw new IOException("refusing " + q + ": a symbolic link in the registry");
            }
        }
        return p;
    }

    @Override
    public Optional<byte[]> read(String name, int maxBytes) throws IOException {
        Path p = path(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        requireRegular(p);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                throw new RegistryLimitException(name, maxBytes);
            }
            return Optional.of(b);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private static void requireRegular(Path p) throws IOException {
        if (!Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException("refusing " + p + ": not a regular file");
        }
    }

    @Override
    public boolean readTo(String name, Path target, long maxBytes) throws IOException {
        Path p = path(name);
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        requireRegular(p);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS);
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ModelRegistry.copyBounded(name, in, out, maxBytes);
        } catch (NoSuchFileException e) {
            Files.deleteIfExists(target);
            return false;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
        return true;
    }

    @Override
    public boolean exists(String name) throws IOException {
        return Files.exists(path(name), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        Path target = path(name);
        Path tmp = temp(target);
        try {
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW);
            return link(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public boolean createIfAbsent(String name, Path content) throws IOException {
        Path target = path(name);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        Path tmp = temp(target);
        try {
            Files.copy(content, tmp);
            return link(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private boolean link(Path tmp, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        try {
            Files.createLink(target, tmp);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (UnsupportedOperationException e) {
            // No hard links (some network file systems): a rename that refuses to replace; rarely racy.
            try {
                Files.move(tmp, target);
                return true;
            } catch (FileAlreadyExistsException exists) {
                return false;
            }
        }
    }

    private Path temp(Path target) throws IOException {
        try {
            Path dir = Files.createDirectories(root.resolve(TEMP_DIRECTORY));
            return dir.resolve(target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        } catch (AccessDeniedException e) {
            throw new RegistryAccessDeniedException("the registry directory " + root + " is not writable", e);
        }
    }

    /** A hard link is created atomically or not at all. */
    @Override
    public boolean atomicCreate() {
        return true;
    }

    @Override
    public void overwrite(String name, byte[] content) throws IOException {
        Path target = path(name);
        Path tmp = temp(target);
        try {
            Files.write(tmp, content, StandardOpenOption.CREATE_NEW);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void overwrite(String name, Path content) throws IOException {
        Path target = path(name);
        Path tmp = temp(target);
        try {
            Files.copy(content, tmp);
            Files.createDirectories(target.getParent());
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(path(name));
    }

    @Override
    public void close() {
        // Nothing held.
    }

    @Override
    public String toString() {
        return "FileRegistry{" + uri + "}";
    }

    /** The provider of {@code file:} registries. */
    public static final class Provider implements ModelRegistryProvider {
        @Override
        public String scheme() {
            return "file";
        }

        @Override
        public ModelRegistry open(RemoteSettings settings) {
            try {
                return FileRegistry.open(settings.uri());
            } catch (UncheckedIOException e) {
                throw e;
            }
        }
    }
}
