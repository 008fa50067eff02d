package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Generators sharing one output root create and remove the shared staging root and each other's
 * finished runs all the time: none of that may make another one's store operation fail.
 */
class StagingChurnTest {

    private static final int PROCESSES = 3;
    private static final int ROUNDS = 300;
    private static final String FAILURE = "failure: ";

    @TempDir
    Path root;

    @Test
    void runsStartingAndEndingTogetherNeverFailBecauseAnotherRemovedTheStagingRootOrARun() throws Exception {
        Path go = root.resolve("go");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < PROCESSES; i++) {
            children.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:TieredStopAtLevel=1", "-Xshare:auto", "-cp", System.getProperty("java.class.path"),
                    Churn.class.getName(), root.toString(), go.toString(), String.valueOf(ROUNDS))
                    .redirectErrorStream(true).start());
        }
        Files.createFile(go);
        Map<String, Integer> failures = new TreeMap<>();
        for (Process p : children) {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(5, TimeUnit.MINUTES)).as("a churning process ended").isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            out.lines().filter(l -> l.startsWith(FAILURE))
                    .forEach(l -> failures.merge(l.substring(FAILURE.length()).replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>"), 1, Integer::sum));
        }

        assertThat(failures).as("failures of %d processes x %d rounds", PROCESSES, ROUNDS).isEmpty();
        assertThat(root.resolve(ModelStore.STAGING_DIRECTORY)).as("the last run to close removes the empty staging root")
                .doesNotExist();
    }

    /**
     * One generator's store, again and again: opened (removing dead runs), its run started by a write,
     * closed; every other round a warm one, which writes nothing. Prints each failure.
     */
    static final class Churn {
        public static void main(String[] args) throws IOException, InterruptedException {
            Path root = Path.of(args[0]);
            Path go = Path.of(args[1]);
            int rounds = Integer.parseInt(args[2]);
            while (!Files.exists(go)) {
                Thread.sleep(1);
            }
            Path mine = root.resolve("written-by-" + ProcessHandle.current().pid());
            for (int i = 0; i < rounds; i++) {
                try {
                    if (i % 2 == 0) {
                        try (StagingArea staging = StagingArea.open(root.resolve(ModelStore.STAGING_DIRECTORY),
                                StoreFaults.NONE)) {
                            staging.writeAtomically(mine, new byte[] {(byte) i});
                        }
                    } else {
                        ModelStore.open(root).close();
                    }
                } catch (Exception e) {
                    System.out.println(FAILURE + e);
                }
            }
        }
    }
}
