package io.ivfsp.atc;

import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Kills a process and every process below it. */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Kills {@code process} and its descendants, children first seen before the parent dies so that
     * none escapes by being re-parented, then waits a little for them to go.
     */
    static void kill(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        // Children started between the snapshot and the parent's death.
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        awaitExit(process);
        descendants.forEach(ProcessTree::awaitExit);
    }

    private static void awaitExit(ProcessHandle p) {
        try {
            p.onExit().get(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // Nothing more can be done than SIGKILL; the caller reports the job as killed either way.
        }
    }
}
