package io.ivfsp.nativeacl;

import io.ivfsp.nativeacl.bind.AclLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Where the in-process compiler was loaded from and what its cache identity is: the OPP version
 * ({@code opp/version.info}, found through {@code ASCEND_OPP_PATH} or beside the library's
 * {@code lib64}) and the library's content, SHA-256 each, and the mock's identity if simulated.
 */
final class CompilerIdentity {

    private CompilerIdentity() {
    }

    /** The file the dynamic linker loaded the library of {@code entry} from, when it says. */
    static Optional<Path> libraryFile(Pointer entry) {
        try (BytePointer path = new BytePointer(4096)) {
            return AclLibrary.ivfsp_library_file(entry, path, 4096) == 0
                    ? NativeAcl.string(path).map(Path::of).map(Path::toAbsolutePath) : Optional.empty();
        }
    }

    /** The cache identity of {@code library}, loaded from {@code file}. */
    static String of(String library, Optional<Path> file, Optional<String> mock) {
        return "native/opp=" + digest(oppVersionFile(file)) + ";lib="
                + file.map(CompilerIdentity::digest).orElse("unknown:" + library)
                + mock.map(m -> ";simulated=" + m).orElse("");
    }

    /** {@code $ASCEND_OPP_PATH/version.info}, else {@code opp/version.info} beside the library's {@code lib64}. */
    private static Optional<Path> oppVersionFile(Optional<Path> library) {
        Optional<Path> fromEnv = Optional.ofNullable(System.getenv("ASCEND_OPP_PATH")).filter(s -> !s.isBlank())
                .map(s -> Path.of(s, "version.info"));
        return fromEnv.or(() -> library.map(Path::getParent).map(Path::getParent).map(p -> p.resolve("opp").resolve("version.info")));
    }

    private static String digest(Optional<Path> file) {
        return file.filter(Files::isRegularFile).map(CompilerIdentity::digest).orElse("missing");
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
