package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.FileNameEncoding;
import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory with a non-ASCII name under the POSIX locale: the generator refuses it, naming it,
 * and writes nothing anywhere (today's JVM would write into a directory named {@code ??????-?}).
 */
class FileNameEncodingTest {

    private static final String NAME = "模型-ñ";

    @TempDir
    Path dir;
    Path home;

    @BeforeEach
    void setUp() throws IOException {
        home = Files.createDirectories(dir.resolve(NAME));
    }

    private String probe(String locale, String... args) throws IOException, InterruptedException {
        List<String> cmd = ChildJvm.command(LocaleProbe.class, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        env.put("LC_ALL", locale);
        return Waits.run(pb).out();
    }

    private static Set<String> list(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void workingDirectoryWithANonAsciiNameIsRefusedUnderThePosixLocale() throws Exception {
        String out = probe("C", "cwd");

        assertThat(out).contains("refused: refusing to write").contains("working directory")
                .contains("sun.jnu.encoding=ANSI_X3.4-1968").contains("LC_ALL=C.UTF-8");
        assertThat(list(dir)).containsExactly(NAME);
        assertThat(list(home)).isEmpty();
    }

    @Test
    void listedDirectoryWithANonAsciiNameIsRefusedUnderThePosixLocale() throws Exception {
        String out = probe("C", "listed", dir.toString());

        assertThat(out).contains("refused: refusing to write " + dir).contains("sun.jnu.encoding=ANSI_X3.4-1968");
        assertThat(list(dir)).containsExactly(NAME);
        assertThat(list(home)).isEmpty();
    }

    @Test
    void theSameDirectoryWorksUnderAUtf8Locale() throws Exception {
        String out = probe("C.UTF-8", "cwd");

        assertThat(out).contains("generated 27 models into " + home);
        assertThat(list(dir)).containsExactly(NAME);
        assertThat(list(home.resolve("op_models"))).hasSize(28);
    }

    @Test
    void representableNamesPass() {
        assertThat(FileNameEncoding.problem(dir.resolve("plain"))).isEmpty();
    }
}
