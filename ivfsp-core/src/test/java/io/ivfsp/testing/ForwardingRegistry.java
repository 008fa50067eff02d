package io.ivfsp.testing;

import io.ivfsp.remote.ModelRegistry;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A registry that passes every call to another, for tests that change one or two of its answers (a
 * refused write, a racer after a create). {@link #atomicCreate()} is not passed on: a wrapped registry
 * promises no atomic create unless the subclass says so.
 */
public abstract class ForwardingRegistry implements ModelRegistry {

    protected final ModelRegistry delegate;

    protected ForwardingRegistry(ModelRegistry delegate) {
        this.delegate = delegate;
    }

    @Override
    public URI uri() {
        return delegate.uri();
    }

    @Override
    public void check() throws IOException {
        delegate.check();
    }

    @Override
    public Optional<byte[]> read(String name, int maxBytes) throws IOException {
        return delegate.read(name, maxBytes);
    }

    @Override
    public boolean readTo(String name, Path target, long maxBytes) throws IOException {
        return delegate.readTo(name, target, maxBytes);
    }

    @Override
    public boolean exists(String name) throws IOException {
        return delegate.exists(name);
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        return delegate.createIfAbsent(name, content);
    }

    @Override
    public boolean createIfAbsent(String name, Path content) throws IOException {
        return delegate.createIfAbsent(name, content);
    }

    @Override
    public void overwrite(String name, byte[] content) throws IOException {
        delegate.overwrite(name, content);
    }

    @Override
    public void overwrite(String name, Path content) throws IOException {
        delegate.overwrite(name, content);
    }

    @Override
    public void delete(String name) throws IOException {
        delegate.delete(name);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
