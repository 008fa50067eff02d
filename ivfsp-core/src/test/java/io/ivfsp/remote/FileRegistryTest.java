package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code file://} registry on its own: what a shared directory must refuse (links out of it, things
 * that are not files, a missing mount, a URI that is not a local directory) and what it must never leave
 * behind (temporary files, partial copies).
 */
class FileRegistryTest {

    @TempDir
    Path dir;

    private FileRegistry registry() throws IOException {
        return FileRegistry.open(Files.createDirectories(dir.resolve("registry")).toUri());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void open_refusesAnythingButALocalAbsoluteDirectory() {
        for (String bad : new String[] {"s3://bucket/prefix", "file://host/shared/dir", "file:relative"}) {
            assertThatThrownBy(() -> FileRegistry.open(URI.create(bad))).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--remote").hasMessageContaining(bad).hasMessageContaining("file:///");
        }
    }

    @Test
    void open_acceptsTheSchemeInAnyCaseAndNormalisesTheDirectory() {
        FileRegistry r = FileRegistry.open(URI.create("FILE:///shared/a/../ivfsp"));

        assertThat(r.root()).isEqualTo(Path.of("/shared/ivfsp"));
        assertThat(r.uri()).isEqualTo(URI.create("FILE:///shared/a/../ivfsp"));
        assertThat(r.toString()).contains("FILE:///shared/a/../ivfsp");
        assertThat(r.atomicCreate()).isTrue();
    }

    @Test
    void providerServesTheFileScheme() throws IOException {
        FileRegistry.Provider provider = new FileRegistry.Provider();
        Path root = Files.createDirectories(dir.resolve("registry"));

        assertThat(provider.scheme()).isEqualTo("file");
        try (ModelRegistry r = provider.open(RemoteSettings.builder(root.toUri().toString()).build())) {
            assertThat(r).isInstanceOfSatisfying(FileRegistry.class, f -> assertThat(f.root()).isEqualTo(root));
        }
        assertThat(ModelRegistries.providers()).extracting(ModelRegistryProvider::scheme).contains("file");
    }

    @Test
    void check_aMissingMountOrAFileIsNotARegistry() throws IOException {
        FileRegistry missing = FileRegistry.open(dir.resolve("no-such-mount").toUri());
        assertThatThrownBy(missing::check).isInstanceOf(NoSuchFileException.class).hasMessageContaining("no-such-mount");
        assertThatThrownBy(() -> missing.read("ac/x", 10)).isInstanceOf(NoSuchFileException.class);

        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(FileRegistry.open(file.toUri())::check).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void check_aLinkToADirectoryIsNotFollowed() throws IOException {
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);

        FileRegistry.open(real.toUri()).check();
        assertThatThrownBy(FileRegistry.open(URI.create("file://" + link))::check).isInstanceOf(NoSuchFileException.class);
    }

    @Test
    void aLinkInsideTheRegistryIsRefusedWhereverItIs() throws IOException {
        FileRegistry r = registry();
        Path outside = Files.createDirectories(dir.resolve("outside"));
        Files.writeString(outside.resolve("x"), "secret");
        Files.createSymbolicLink(r.root().resolve("ac"), outside);
        Files.createDirectories(r.root().resolve("cas"));
        Files.createSymbolicLink(r.root().resolve("cas/y"), outside.resolve("x"));

        assertThatThrownBy(() -> r.read("ac/x", 100)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> r.read("cas/y", 100)).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> r.exists("ac/x")).isInstanceOf(IOException.class).hasMessageContaining("symbolic link");
        assertThatThrownBy(() -> r.createIfAbsent("ac/z", bytes("z"))).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> r.delete("cas/y")).isInstanceOf(IOException.class);
        assertThat(outside.resolve("x")).hasContent("secret");
        assertThat(outside.resolve("z")).doesNotExist();
        assertThat(r.root().resolve("cas/y")).isSymbolicLink();
    }

    @Test
    void somethingThatIsNotAFileIsRefusedNotRead() throws IOException {
        FileRegistry r = registry();
        Files.createDirectories(r.root().resolve("ac/dir"));
        Path target = dir.resolve("copy");

        assertThatThrownBy(() -> r.read("ac/dir", 100)).isInstanceOf(IOException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> r.readTo("ac/dir", target, 100)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a regular file");
        assertThat(target).doesNotExist();
    }

    @Test
    void readTo_aMissingObjectCreatesNothing() throws IOException {
        FileRegistry r = registry();
        Path target = dir.resolve("copy");

        assertThat(r.readTo("cas/none", target, 100)).isFalse();
        assertThat(target).doesNotExist();
    }

    @Test
    void readsOfExactlyTheLimitSucceed() throws IOException {
        FileRegistry r = registry();
        r.createIfAbsent("ac/x", bytes("12345"));
        Path target = dir.resolve("copy");

        assertThat(r.read("ac/x", 5)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("12345")));
        assertThat(r.readTo("ac/x", target, 5)).isTrue();
        assertThat(target).hasContent("12345");
        assertThatThrownBy(() -> r.read("ac/x", 4)).isInstanceOf(RegistryLimitException.class);
    }

    @Test
    void createIfAbsent_fromAFileKeepsTheFirstContent() throws IOException {
        FileRegistry r = registry();
        Path first = Files.writeString(dir.resolve("first"), "first");
        Path second = Files.writeString(dir.resolve("second"), "second");

        assertThat(r.createIfAbsent("cas/sha256/blob", first)).isTrue();
        assertThat(r.createIfAbsent("cas/sha256/blob", second)).isFalse();

        assertThat(r.read("cas/sha256/blob", 100)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("first")));
    }

    @Test
    void overwrite_fromAFileReplacesTheContent() throws IOException {
        FileRegistry r = registry();
        r.createIfAbsent("cas/sha256/blob", bytes("tampered"));

        r.overwrite("cas/sha256/blob", Files.writeString(dir.resolve("good"), "good"));
        r.overwrite("cas/sha256/new", Files.writeString(dir.resolve("new"), "new"));

        assertThat(r.read("cas/sha256/blob", 100)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("good")));
        assertThat(r.read("cas/sha256/new", 100)).hasValueSatisfying(b -> assertThat(b).isEqualTo(bytes("new")));
    }

    @Test
    void noTemporaryFileIsLeftBehind() throws IOException {
        FileRegistry r = registry();
        Path content = Files.writeString(dir.resolve("content"), "c");

        r.createIfAbsent("ac/a", bytes("a"));
        r.createIfAbsent("ac/a", bytes("b"));
        r.createIfAbsent("cas/b", content);
        r.createIfAbsent("cas/c", content);
        r.createIfAbsent("cas/c", content);
        r.overwrite("ac/a", bytes("c"));
        r.overwrite("cas/b", content);

        try (Stream<Path> s = Files.list(r.root().resolve(".tmp"))) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aRegistryWhereNoTemporaryDirectoryCanBeMadeFailsTheWrite() throws IOException {
        FileRegistry r = registry();
        Files.writeString(r.root().resolve(".tmp"), "a file where the temporary directory goes");

        assertThatThrownBy(() -> r.createIfAbsent("ac/a", bytes("a"))).isInstanceOf(IOException.class);
        assertThat(r.exists("ac/a")).isFalse();
    }

    @Test
    void delete_ofAMissingObjectIsNotAnError() throws IOException {
        FileRegistry r = registry();

        r.delete("ac/none");

        assertThat(r.exists("ac/none")).isFalse();
    }

    @Test
    void checkName_rules() {
        assertThat(ModelRegistry.checkName("cas/sha256/ab-c_d.1")).isEqualTo("cas/sha256/ab-c_d.1");
        assertThat(ModelRegistry.checkName("a".repeat(512))).hasSize(512);
        for (String bad : new String[] {"", "a".repeat(513), "/ac/x", "ac/x/", "ac//x", "Ac/x", "ac/x y", "./x", "ac/..",
                "..", "ac/./x"}) {
            assertThatThrownBy(() -> ModelRegistry.checkName(bad)).as(bad).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("invalid registry object name");
        }
    }

    @Test
    void copyBounded_copiesUpToTheLimitAndRefusesMore() throws IOException {
        byte[] data = new byte[200_000];
        data[199_999] = 7;
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        ModelRegistry.copyBounded("cas/x", new ByteArrayInputStream(data), out, data.length);

        assertThat(out.toByteArray()).isEqualTo(data);
        assertThatThrownBy(() -> ModelRegistry.copyBounded("cas/x", new ByteArrayInputStream(data),
                new ByteArrayOutputStream(), data.length - 1)).isInstanceOf(RegistryLimitException.class)
                .hasMessageContaining("cas/x");
    }
}
