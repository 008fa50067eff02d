package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.ivfsp.testing.RunningProcesses;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

class WatchdogTest {

    private static boolean anyExecutable(String... paths) {
        return Stream.of(paths).map(Path::of).anyMatch(p -> Files.isRegularFile(p) && Files.isExecutable(p));
    }

    private static boolean machineHasAWatchdog() {
        return anyExecutable("/usr/bin/setsid", "/bin/setsid") && anyExecutable("/bin/sh", "/usr/bin/sh")
                && anyExecutable("/usr/bin/env", "/bin/env");
    }

    @Test
    void find_isThereWhereSetsidShAndEnvAre() {
        assumeThat(machineHasAWatchdog()).as("setsid, sh and env installed").isTrue();

        assertThat(Watchdog.find()).isPresent();
    }

    @Test
    void wrap_theCommandRunsWithExactlyItsArgumentsAndEnvironment() throws Exception {
        assumeThat(machineHasAWatchdog()).as("setsid, sh and env installed").isTrue();
        Path env = Stream.of("/usr/bin/env", "/bin/env").map(Path::of).filter(Files::isExecutable).findFirst().orElseThrow();
        Map<String, String> environment = Map.of("ONLY", "this one", "PWD", "/given");

        List<String> command = Watchdog.find().orElseThrow().wrap(List.of(env.toString()), environment);
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().clear();
        pb.environment().putAll(environment);
        Waits.Finished r = Waits.run(pb.redirectErrorStream(true));

        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out().lines().sorted()).containsExactly("ONLY=this one", "PWD=/given");
    }

    @Test
    void processTree_killTakesTheProcessAndItsChildren() throws IOException, InterruptedException {
        Process parent = new ProcessBuilder("/bin/sh", "-c", "sleep 600 & sleep 600 & wait")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Waits.until("both children started", () -> parent.descendants().count() == 2);
            long[] pids = Stream.concat(Stream.of(parent.toHandle()), parent.descendants())
                    .mapToLong(ProcessHandle::pid).toArray();

            ProcessTree.kill(parent.toHandle());

            Waits.until("the parent and both children are gone",
                    () -> RunningProcesses.running(pids).isEmpty());
        } finally {
            parent.descendants().forEach(ProcessHandle::destroyForcibly);
            parent.destroyForcibly();
        }
    }
}
