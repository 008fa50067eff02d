package io.ivfsp.testing;

import io.ivfsp.remote.FileRegistry;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryProvider;
import io.ivfsp.remote.RegistryAccessDeniedException;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * {@code readonly:///dir}: the {@code file://} registry at {@code dir} as a node with read-only
 * credentials sees it: every write is refused as S3 refuses it (403), reads work.
 */
public final class ReadOnlyRegistryProvider implements ModelRegistryProvider {

    @Override
    public String scheme() {
        return "readonly";
    }

    @Override
    public ModelRegistry open(RemoteSettings settings) {
        return wrap(settings, false);
    }

    /**
     * {@code createonly:///dir}: a node whose credentials may read and create objects but neither
     * overwrite nor delete them (an IAM policy without {@code s3:DeleteObject}).
     */
    public static final class CreateOnly implements ModelRegistryProvider {
        @Override
        public String scheme() {
            return "createonly";
        }

        @Override
        public ModelRegistry open(RemoteSettings settings) {
            return wrap(settings, true);
        }
    }

    private static ModelRegistry wrap(RemoteSettings settings, boolean creates) {
        FileRegistry files = FileRegistry.open(URI.create("file://" + settings.uri().getPath()));
        return new ModelRegistry() {
            @Override
            public URI uri() {
                return settings.uri();
            }

            @Override
            public void check() throws IOException {
                files.check();
            }

            @Override
            public Optional<byte[]> read(String name, int maxBytes) throws IOException {
                return files.read(name, maxBytes);
            }

            @Override
            public boolean readTo(String name, Path target, long maxBytes) throws IOException {
                return files.readTo(name, target, maxBytes);
            }

            @Override
            public boolean exists(String name) throws IOException {
                return files.exists(name);
            }

            @Override
            public boolean createIfAbsent(String name, byte[] content) throws IOException {
                if (creates) {
                    return files.createIfAbsent(name, content);
                }
                throw refused(name);
            }

            @Override
            public boolean createIfAbsent(String name, Path content) throws IOException {
                if (creates) {
                    return files.createIfAbsent(name, content);
                }
                throw refused(name);
            }

            @Override
            public void overwrite(String name, byte[] content) throws IOException {
                throw refused(name);
            }

            @Override
            public void overwrite(String name, Path content) throws IOException {
                throw refused(name);
            }

            @Override
            public void delete(String name) throws IOException {
                throw refused(name);
            }

            @Override
            public void close() {
                files.close();
            }
        };
    }

    private static RegistryAccessDeniedException refused(String name) {
        return new RegistryAccessDeniedException("cannot write " + name + ": HTTP 403 AccessDenied", null);
    }
}
