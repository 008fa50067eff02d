package io.ivfsp.testing;

import io.ivfsp.remote.FileRegistry;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryProvider;
import io.ivfsp.remote.RegistryAccessDeniedException;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

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
        return new ForwardingRegistry(FileRegistry.open(URI.create("file://" + settings.uri().getPath()))) {
            @Override
            public URI uri() {
                return settings.uri();
            }

            @Override
            public boolean createIfAbsent(String name, byte[] content) throws IOException {
                if (creates) {
                    return delegate.createIfAbsent(name, content);
                }
                throw refused(name);
            }

            @Override
            public boolean createIfAbsent(String name, Path content) throws IOException {
                if (creates) {
                    return delegate.createIfAbsent(name, content);
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
        };
    }

    private static RegistryAccessDeniedException refused(String name) {
        return new RegistryAccessDeniedException("cannot write " + name + ": HTTP 403 AccessDenied", null);
    }
}
