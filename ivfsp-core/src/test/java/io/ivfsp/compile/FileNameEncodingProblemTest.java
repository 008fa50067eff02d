package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.function.Supplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/** {@link FileNameEncoding} in this JVM; the child-JVM tests under the POSIX locale are in the atc package. */
@Isolated("sets and clears system properties")
class FileNameEncodingProblemTest {

    private static <T> T withProperty(String name, String value, Supplier<T> body) {
        String old = System.getProperty(name);
        if (value == null) {
            System.clearProperty(name);
        } else {
            System.setProperty(name, value);
        }
        try {
            return body.get();
        } finally {
            if (old == null) {
                System.clearProperty(name);
            } else {
                System.setProperty(name, old);
            }
        }
    }

    @Test
    void fileNames_followsSunJnuEncodingAndFallsBackToTheDefault() {
        assertThat(withProperty("sun.jnu.encoding", "ISO-8859-1", FileNameEncoding::fileNames))
                .isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(withProperty("sun.jnu.encoding", "no-such-charset", FileNameEncoding::fileNames))
                .isEqualTo(Charset.defaultCharset());
        assertThat(withProperty("sun.jnu.encoding", null, FileNameEncoding::fileNames))
                .isEqualTo(Charset.defaultCharset());
    }

    @Test
    void problem_aPlainNameHasNone() {
        assertThat(FileNameEncoding.problem(Path.of("/tmp/plain-name_1"))).isEmpty();
    }

    @Test
    void problem_aNameThatDidNotDecodeIsRefused() {
        assertThat(FileNameEncoding.problem(Path.of("/tmp/a\uFFFDb")))
                .hasValueSatisfying(why -> assertThat(why).startsWith("its name cannot be represented in this JVM's"
                        + " file-name encoding " + FileNameEncoding.fileNames().name()).contains("LC_ALL=C.UTF-8"));
    }

    @Test
    void problem_aNameTheFileNameCharsetCannotEncodeIsRefused() {
        assertThat(withProperty("sun.jnu.encoding", "US-ASCII", () -> FileNameEncoding.problem(Path.of("/tmp/模型-ñ"))))
                .hasValueSatisfying(why -> assertThat(why).startsWith("its name cannot be represented")
                        .contains("US-ASCII"));
    }

    @Test
    void problem_pathsInAWorkingDirectoryWhoseNameDidNotDecodeAreRefused() {
        Path cwd = Path.of("").toAbsolutePath();

        assertThat(withProperty("user.dir", "/home/\uFFFD\uFFFD", () -> FileNameEncoding.problem(cwd.resolve("models"))))
                .hasValueSatisfying(why -> assertThat(why)
                        .startsWith("it lies in the working directory /home/\uFFFD\uFFFD, whose name cannot be represented"));
        assertThat(withProperty("user.dir", "/home/\uFFFD\uFFFD", () -> FileNameEncoding.problem(Path.of("/elsewhere"))))
                .as("an absolute path elsewhere does not go through the working directory").isEmpty();
    }
}
