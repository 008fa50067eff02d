package io.ivfsp.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs a main class of the test class path in a fresh JVM, output and errors merged. */
public final class ChildJvm {

    /**
     * @param exit its exit status
     * @param out  what it printed
     */
    public record Result(int exit, String out) {
    }

    private ChildJvm() {
    }

    /** Runs {@code main} with {@code args}, the environment changed and stripped as given; waits until it has ended (if interrupted, kills it). */
    public static Result run(Map<String, String> envChanges, List<String> envRemovals, Class<?> main, String... args)
            throws IOException, InterruptedException {
        return runWithOptions(List.of(), envChanges, envRemovals, main, args);
    }

    /** Same as {@link #run}, with options for the child's JVM (such as {@code -Xmx192m}). */
    public static Result runWithOptions(List<String> jvmOptions, Map<String, String> envChanges,
                                        List<String> envRemovals, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        // A short run: the client compiler alone starts sooner and spends less CPU than tiered C2.
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        envRemovals.forEach(pb.environment()::remove);
        pb.environment().putAll(envChanges);
        Waits.Finished finished = Waits.run(pb);
        return new Result(finished.exit(), finished.out());
    }
}
