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

    /**
     * The options of every child JVM: the client compiler alone, as a child runs seconds at most (C2
     * would compile little before the end, at a cost). Measured on the classes that start the most
     * children (ProcessSafetyTest, StagingChurnTest, AtcProcessLifetimeTest): the serial collector with
     * one compiler thread gained nothing, and the interpreter alone took three times the CPU.
     */
    private static final List<String> OPTIONS = List.of("-XX:TieredStopAtLevel=1");

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
        ProcessBuilder pb = new ProcessBuilder(command(jvmOptions, main, args)).redirectErrorStream(true);
        envRemovals.forEach(pb.environment()::remove);
        pb.environment().putAll(envChanges);
        Waits.Finished finished = Waits.run(pb);
        return new Result(finished.exit(), finished.out());
    }

    /**
     * The command that runs {@code main} of the test class path in a fresh JVM with the options of every
     * child JVM of the tests, then {@code jvmOptions} (which may override them), then {@code args}.
     */
    public static List<String> command(List<String> jvmOptions, Class<?> main, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(OPTIONS);
        cmd.addAll(jvmOptions);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** {@link #command(List, Class, String...)} with no options of its own. */
    public static List<String> command(Class<?> main, String... args) {
        return command(List.of(), main, args);
    }
}
