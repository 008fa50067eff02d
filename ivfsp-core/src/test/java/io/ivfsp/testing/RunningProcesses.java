package io.ivfsp.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Whether processes still run. A killed process that its new parent has not reaped yet is a zombie:
 * it runs nothing, holds nothing but its process id, and {@link ProcessHandle#isAlive()} still says
 * true; these checks read {@code /proc} and count it as gone.
 */
public final class RunningProcesses {

    private RunningProcesses() {
    }

    /** Whether {@code pid} is a process that has not ended (neither absent nor a zombie). */
    public static boolean isRunning(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            char state = stat.substring(stat.lastIndexOf(')') + 2).charAt(0);
            return state != 'Z' && state != 'X';
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            // The process went while its file was read.
            return false;
        }
    }

    /** The pids of {@code pids} that are still running. */
    public static List<Long> running(long... pids) {
        return Arrays.stream(pids).filter(RunningProcesses::isRunning).boxed().toList();
    }
}
