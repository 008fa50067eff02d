package io.ivfsp.testing;

import io.ivfsp.remote.FileRegistry;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryProvider;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * {@code recording:///dir}: the {@code file://} registry at {@code dir}, noting what is done with it: the
 * names read, and how often it is opened and closed (per directory, so tests in parallel do not mix).
 */
public final class RecordingRegistryProvider implements ModelRegistryProvider {

    /** What was done with the registry of one directory. */
    public static final class Record {
        public final List<String> reads = new CopyOnWriteArrayList<>();
        public final List<String> events = new CopyOnWriteArrayList<>();
    }

    private static final Map<String, Record> RECORDS = new ConcurrentHashMap<>();

    /** The record of the registry at {@code dir} (the same object for the whole test). */
    public static Record of(Path dir) {
        return RECORDS.computeIfAbsent(dir.toAbsolutePath().normalize().toString(), d -> new Record());
    }

    /** The URI of the recording registry at {@code dir}. */
    public static String uri(Path dir) {
        return "recording://" + dir.toAbsolutePath().normalize();
    }

    @Override
    public String scheme() {
        return "recording";
    }

    @Override
    public ModelRegistry open(RemoteSettings settings) {
        String dir = settings.uri().getPath();
        Record record = of(Path.of(dir));
        record.events.add("open");
        return new ForwardingRegistry(FileRegistry.open(URI.create("file://" + dir))) {
            @Override
            public URI uri() {
                return settings.uri();
            }

            @Override
            public Optional<byte[]> read(String name, int maxBytes) throws IOException {
                record.reads.add(name);
                return delegate.read(name, maxBytes);
            }

            @Override
            public boolean readTo(String name, Path target, long maxBytes) throws IOException {
                record.reads.add(name);
                return delegate.readTo(name, target, maxBytes);
            }

            @Override
            public void close() {
                record.events.add("close");
                delegate.close();
            }
        };
    }
}
