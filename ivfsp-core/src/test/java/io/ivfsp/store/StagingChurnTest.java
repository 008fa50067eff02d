package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.ChildJvm;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        Map<String, Integer> failures = new TreeMap<>();
        try {
            for (int i = 0; i < PROCESSES; i++) {
                // Output in a file, not a pipe: reading a pipe blocks where the test's interrupt cannot reach.
                children.add(new ProcessBuilder(ChildJvm.command(Churn.class, root.toString(), go.toString(),
                        String.valueOf(ROUNDS)))
                        .redirectErrorStream(true).redirectOutput(root.resolve("out-" + i).toFile()).start());
            }
            Files.createFile(go);
            for (int i = 0; i < PROCESSES; i++) {
                int exit = Waits.exit(children.get(i));  // however long a busy machine takes
                String out = Files.readString(root.resolve("out-" + i), StandardCharsets.UTF_8);
                assertThat(exit).as(out).isZero();
                out.lines().filter(l -> l.startsWith(FAILURE))
                        .forEach(l -> failures.merge(l.substring(FAILURE.length()).replaceAll("[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>"), 1, Integer::sum));
            }
        } finally {
            children.forEach(p -> Waits.kill(p.toHandle()));  // none left churning when the test failed or was interrupted
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
