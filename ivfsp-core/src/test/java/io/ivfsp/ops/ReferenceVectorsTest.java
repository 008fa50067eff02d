package io.ivfsp.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outputs of the reference scripts ({@code src/test/resources/vectors}, copied from
 * {@code shared/vectors}) reproduced byte for byte from the command each was made with.
 */
class ReferenceVectorsTest {

    /** One reference run: the set, the config its command line gives, and the directory of its outputs. */
    record Vector(String name, ModelSet set, IvfspConfig config, Path dir) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Vector> vectors() throws IOException, URISyntaxException {
        Path root = Paths.get(ReferenceVectorsTest.class.getResource("/vectors").toURI());
        try (Stream<Path> dirs = Files.list(root)) {
            return dirs.sorted().map(ReferenceVectorsTest::vector).toList().stream();
        }
    }

    private static Vector vector(Path dir) {
        try {
            String[] words = Files.readString(dir.resolve("command.txt")).trim().split("\\s+");
            Map<String, IvfspParameter> byFlag = Arrays.stream(IvfspParameter.values())
                    .collect(Collectors.toMap(IvfspParameter::flag, Function.identity()));
            IvfspConfig.Builder b = IvfspConfig.builder();
            for (int i = 1; i < words.length; i += 2) {
                b.set(byFlag.get(words[i]), Integer.parseInt(words[i + 1]));
            }
            ModelSet set = ModelSet.fromCliName(words[0]);
            return new Vector(dir.getFileName().toString(), set, b.buildFor(set), dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void jsonFilesAreByteIdenticalToTheReference(Vector v) throws IOException {
        ModelPlan plan = OpCatalog.plan(v.config(), v.set());
        Map<String, byte[]> expected = new TreeMap<>();
        try (Stream<Path> files = Files.list(v.dir().resolve("config"))) {
            for (Path f : files.toList()) {
                expected.put(f.getFileName().toString(), Files.readAllBytes(f));
            }
        }

        assertThat(plan.files()).extracting(OpFile::fileName).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (OpFile f : plan.files()) {
            assertThat(f.jsonBytes()).as(f.fileName()).isEqualTo(expected.get(f.fileName()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void omNamesAreThoseAtcGives(Vector v) throws IOException {
        List<String> expected = Files.readAllLines(v.dir().resolve("om-names.txt"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.isBlank()).sorted().toList();

        List<String> actual = new ArrayList<>();
        for (OpFile f : OpCatalog.plan(v.config(), v.set()).files()) {
            f.omFileNames().forEach(om -> actual.add(f.fileName() + " -> " + om));
        }

        assertThat(actual.stream().sorted().toList()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void socVersionOutputDirectoryAndLogLevelMatchTheAtcCalls(Vector v) throws IOException {
        List<String> calls = Files.readAllLines(v.dir().resolve("atc-invocations.txt")).stream()
                .filter(l -> !l.isBlank()).toList();
        String log = v.set().atcLogLevel().map(level -> " --log=" + level).orElse("");

        List<String> expected = OpCatalog.plan(v.config(), v.set()).files().stream()
                .map(f -> "--singleop=./config/" + f.fileName() + " --soc_version=" + v.config().socVersion()
                        + " --output=" + f.outputDirectory() + log)
                .sorted().toList();

        assertThat(calls.stream().sorted().toList()).isEqualTo(expected);
    }
}
