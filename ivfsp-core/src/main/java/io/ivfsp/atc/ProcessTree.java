package io.ivfsp.atc;

import java.util.List;

/**
 * Kills a process and every process below it, the last resort when no watchdog holds the process's
 * group (no {@code setsid} on the machine, or a watchdog that did not end).
 */
final class ProcessTree {

    private ProcessTree() {
    }

    /**
     * Sends SIGKILL to {@code process} and its descendants and returns without waiting: descendants
     * are listed before the parent dies, so that none escapes by being re-parented, and again after,
     * for children started in between. A process that re-parented itself before is out of reach;
     * the watchdog's process group is what catches those.
     */
    static void kill(ProcessHandle process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        process.destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }
}
