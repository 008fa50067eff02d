package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteSettings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a run leaves behind once it has ended: in a long-lived service, no thread of its own. */
class RunEndTest {

    @TempDir
    Path dir;

    /** The live threads of {@code group} with this name. */
    private static List<Thread> threads(ThreadGroup group, String name) {
        Thread[] all = new Thread[group.activeCount() + 16];
        int n = group.enumerate(all);
        return Arrays.stream(all, 0, n).filter(t -> t.getName().equals(name)).toList();
    }

    @Test
    void aRunThatTookRegistryLeasesLeavesNoLeaseHeartbeatThreadBehind() throws Exception {
        ModelPlan plan = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
        Path registry = Files.createDirectories(dir.resolve("registry"));
        // The run's workers (and the threads they start) run in a group of this test's own.
        ThreadGroup group = new ThreadGroup("run-end-test");
        Executor executor = task -> new Thread(group, task, "run-end-worker").start();
        Set<Thread> heartbeats = ConcurrentHashMap.newKeySet();
        // The job's lease is held while it compiles: its heartbeat runs.
        OpCompiler watching = new BeforeEachCall(MockOpCompiler.create(),
                request -> heartbeats.addAll(threads(group, "ivfsp-lease-heartbeat")));

        ModelGenerator.builder().compiler(watching).outputRoot(dir.resolve("out")).parallelism(1).executor(executor)
                .remote(RemoteSettings.builder(registry.toUri().toString()).build()).build().generate(plan)
                .requireSuccess();

        assertThat(heartbeats).as("heartbeat threads while jobs compiled").isNotEmpty();
        for (Thread t : heartbeats) {
            // A thread that is stopped ends at once; one that is not never does, and JUnit's timeout then fails
            // the test (it interrupts this join).
            t.join();
            assertThat(t.isAlive()).as("%s alive after the run ended", t).isFalse();
        }
    }
}
