package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ivfsp} launcher at the repository root, run as a user runs it, against the ATC-like
 * fixture. Runs after {@code package}, so the launcher finds the jar up to date.
 */
class LauncherIT {

    @TempDir
    Path dir;

    private static Path launcher() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("ivfsp");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(launcher().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    void allCompilesEveryModelWithTheToolkitOfTheEnvironment() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path cwd = Files.createDirectories(dir.resolve("work"));

        Run r = run(cwd, Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit"), "all");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("\033").doesNotContain("\r");
        assertThat(r.out()).contains("45 of 45 models generated (45 compiled, 0 reused), 0 jobs failed")
                .contains("backend atc");
        assertThat(fake.runs()).hasSize(32);
        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config", "op_models",
                    "op_models_pyacl", ".ivfsp-locks");
        }
    }

    @Test
    void withoutAToolkitItExitsOneAndSuggestsPlan() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));

        Run r = run(cwd, Map.of("ASCEND_HOME", dir.resolve("none").toString()), "service");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("ATC not found").contains("--plan").doesNotContain("\033");
    }
}
