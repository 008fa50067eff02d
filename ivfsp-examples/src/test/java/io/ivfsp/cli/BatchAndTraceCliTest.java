package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.json.JsonReader;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --no-batch}, {@code --batch} twice and {@code --trace} on the command line. */
class BatchAndTraceCliTest {

    @TempDir
    Path dir;
    Path cwd;
    FakeToolkit fake;
    CliRunner cli;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        cwd = Files.createDirectories(dir.resolve("work"));
        cli = new CliRunner(Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit",
                "PATH", System.getenv("PATH")), cwd, false);
    }

    @Test
    void noBatchRunsOneAtcCallPerJsonFile() {
        CliRunner.Result r = cli.run("service", "--pool", "1", "--no-batch");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.runs()).hasSize(27);
    }

    @Test
    void theDefaultWithOneWorkerSharesCalls() {
        // One worker runs every call in turn: sharing saves a start-up whatever the costs.
        CliRunner.Result r = cli.run("service", "--pool", "1");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(fake.runs().size()).isLessThan(27);
    }

    @Test
    void traceWritesChromeTraceEventsWithASlicePerCall() throws IOException {
        CliRunner.Result r = cli.run("aicpu", "--trace", "run-trace.json");

        assertThat(r.exit()).as(r.err()).isZero();
        Map<?, ?> json = (Map<?, ?>) JsonReader.read(Files.readString(cwd.resolve("run-trace.json")));
        List<?> slices = ((List<?>) json.get("traceEvents")).stream().filter(e -> "X".equals(((Map<?, ?>) e).get("ph")))
                .toList();
        assertThat(slices).singleElement().satisfies(e -> assertThat((List<?>) ((Map<?, ?>) ((Map<?, ?>) e).get("args"))
                .get("ops")).hasSize(14));
    }
}
