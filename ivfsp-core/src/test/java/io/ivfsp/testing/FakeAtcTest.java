package io.ivfsp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fake ATC reads an op file as strictly as ATC does: were it lenient, a test of the JSON ivfsp writes
 * could pass on a file that ATC refuses.
 */
class FakeAtcTest {

    @TempDir
    Path dir;

    /** Runs the fake ATC on {@code text} as the op file; what it printed, its exit status and its models. */
    private Run compile(byte[] text) throws IOException, InterruptedException {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path json = Files.write(dir.resolve("op.json"), text);
        Path out = dir.resolve("out");
        Path work = Files.createDirectories(dir.resolve("work"));
        Waits.Finished r = Waits.run(new ProcessBuilder(fake.home().resolve("bin/atc").toString(), "--singleop=" + json,
                "--soc_version=Ascend310P3", "--output=" + out).directory(work.toFile()).redirectErrorStream(true));
        try (Stream<Path> models = Files.isDirectory(out) ? Files.list(out) : Stream.empty()) {
            return new Run(r.exit(), r.out(), json, models.map(p -> p.getFileName().toString()).toList());
        }
    }

    private record Run(int exit, String out, Path json, java.util.List<String> models) {
    }

    private static final String OP = "{\"op\": \"A\", \"input_desc\": [{\"format\": \"ND\", \"shape\": [2], \"type\": \"int8\"}]";

    static Stream<String> notStrictJson() {
        return Stream.of(
                "[" + OP + "},]",                           // a trailing comma in an array
                "[" + OP + ",}]",                           // ... in an object
                "[" + OP + ", \"x\": 01}]",                 // a leading zero
                "[" + OP + ", \"x\": NaN}]",                // Python's json.dumps writes NaN; strict readers refuse it
                "[" + OP + ", \"x\": Infinity}]",
                "[" + OP + ", \"x\": 1.}]",
                "[" + OP + ", \"x\": \"\\x41\"}]",          // an escape JSON does not have
                "[" + OP + ", \"x\": \"\\u12\"}]",
                "[" + OP + ", \"x\": \"a\tb\"}]",           // a raw control character in a string
                "[{'op': 'A'}]",
                "[" + OP + "}] []",                         // more after the value
                "[" + OP + "}",
                "\ufeff[" + OP + "}]",                      // a byte order mark
                "[" + OP + ", \"x\": " + "[".repeat(511) + "]".repeat(511) + "}]");  // nesting 513 deep
    }

    @ParameterizedTest
    @MethodSource("notStrictJson")
    void refusesWhatAStrictReaderRefuses(String text) throws Exception {
        Run r = compile(text.getBytes(StandardCharsets.UTF_8));

        assertThat(r.exit()).as(r.out()).isEqualTo(255);
        assertThat(r.out()).contains("E10025: File [" + r.json() + "] is not a valid JSON file.");
        assertThat(r.models()).isEmpty();
    }

    @Test
    void refusesAFileThatIsNotUtf8() throws Exception {
        byte[] text = ("[" + OP + ", \"x\": \"\u00ff\"}]").getBytes(StandardCharsets.ISO_8859_1);

        Run r = compile(text);

        assertThat(r.exit()).as(r.out()).isEqualTo(255);
        assertThat(r.out()).contains("E10025: ");
    }

    static Stream<String> strictJson() {
        return Stream.of(
                " \r\n\t[ " + OP + " } ] \n",
                "[" + OP + ", \"x\": [-0, 0.5, 1.5e+3, 2E-2, 10, true, false, null, {}, []]}]",
                "[" + OP + ", \"x\": \"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\u00e9\"}]",
                "[" + OP + ", \"x\": " + "[".repeat(510) + "]".repeat(510) + "}]");  // 512 deep
    }

    @ParameterizedTest
    @MethodSource("strictJson")
    void acceptsWhatRfc8259Allows(String text) throws Exception {
        Run r = compile(text.getBytes(StandardCharsets.UTF_8));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.models()).containsExactly("0_A_2_2_2.om");
    }
}
