package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

/** The plain progress lines printed when standard error is not a terminal. */
class ProgressLineTest {

    private final List<OpFile> files = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files();

    private JobProgress progress(int index, int succeeded, int failed, int skipped, int running) {
        return new JobProgress(files.get(index), 4, succeeded, failed, skipped, running, Duration.ofMillis(100),
                Duration.ZERO);
    }

    private static int done(String line) {
        return Integer.parseInt(line.substring(1, line.indexOf('/')));
    }

    @Test
    void eachPlainLineCountsTheJobItReportsAndThoseAboveIt() {
        StringWriter text = new StringWriter();
        ProgressLine line = ProgressLine.create(null, new PrintWriter(text), false);
        CompileFailure failure = new CompileFailure(files.get(1), CompileFailure.Kind.EXIT_STATUS, "atc failed",
                List.of("atc"), OptionalInt.of(1), Optional.of("E10025"), "", Duration.ZERO);

        // Events of several workers, each with the counts it read: some ahead of the lines printed so far
        // (others' jobs ended but are not reported yet), one behind (a late event).
        line.jobStarted(progress(0, 0, 0, 0, 4));
        line.jobSucceeded(progress(0, 3, 0, 0, 1), List.of());
        line.jobFailed(progress(1, 3, 1, 0, 0), failure);
        line.jobSucceeded(progress(2, 2, 0, 0, 2), List.of());
        line.jobSkipped(progress(3, 3, 1, 1, 0));
        line.finish();

        List<String> lines = text.toString().lines().toList();
        assertThat(lines).hasSize(4).noneMatch(l -> l.contains("\r"));
        assertThat(lines.stream().map(ProgressLineTest::done).toList()).containsExactly(1, 2, 3, 4);
        assertThat(lines.get(0)).doesNotContain("failed").endsWith(": " + files.get(0).fileName() + " reused");
        assertThat(lines.get(1)).contains("failed 1").endsWith(": " + files.get(1).fileName() + " FAILED E10025");
        assertThat(lines.get(3)).startsWith("[4/4] running 0, failed 1,").contains("ETA 0.0s")
                .endsWith(": " + files.get(3).fileName() + " not started");
    }
}
