package io.ivfsp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of a warm CLI run, as a user runs it: {@code ./ivfsp service --backend mock -q} with every
 * model present (nothing to compile), against a JVM that prints one line, run alternately so that drift
 * on a shared machine hits both alike. Also the same warm run started by a bare {@code java -cp} (no
 * class-data archive, default JIT and collector), to show what the launcher's options give. Prints
 * medians and ratios; asserts nothing.
 *
 * <pre>
 * ./ivfsp --version                                     # builds the CLI (and its class-data archive)
 * mvn -B -q -pl ivfsp-examples -am test-compile
 * java -cp ivfsp-examples/target/test-classes io.ivfsp.bench.StartupBenchmark [runs]
 * </pre>
 *
 * Run from the repository root.
 */
public final class StartupBenchmark {

    private StartupBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        Path repo = Path.of("").toAbsolutePath();
        Path launcher = repo.resolve("ivfsp");
        Path target = repo.resolve("ivfsp-examples").resolve("target");
        if (!Files.isExecutable(launcher) || !Files.isDirectory(target.resolve("test-classes"))) {
            throw new IllegalStateException("run from the repository root, after test-compile: " + repo);
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory(Files.createDirectories(target), "startup-bench");
        List<String> cli = List.of(launcher.toString(), "service", "--backend", "mock", "-q");
        List<String> bare = List.of(java, "-cp", target.resolve("ivfsp-cli.jar") + ":" + target.resolve("lib") + "/*",
                "io.ivfsp.cli.IvfspCli", "service", "--backend", "mock", "-q");
        List<String> hello = List.of(java, "-cp", target.resolve("test-classes").toString(), HelloWorld.class.getName());

        wall(cli, work);   // compiles the models (and makes the launcher's archive if it has none)
        wall(cli, work);
        List<Double> helloMs = new ArrayList<>();
        List<Double> cliMs = new ArrayList<>();
        List<Double> bareMs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            helloMs.add(wall(hello, work));
            cliMs.add(wall(cli, work));
            bareMs.add(wall(bare, work));
        }
        double h = median(helloMs);
        double c = median(cliMs);
        double b = median(bareMs);
        System.out.printf(Locale.ROOT, "%d runs each, alternating, medians (min .. max)%n", runs);
        System.out.printf(Locale.ROOT, "JVM hello world (java -cp ... HelloWorld):       %7.0f ms (%4.0f .. %4.0f)%n",
                h, min(helloMs), max(helloMs));
        System.out.printf(Locale.ROOT, "warm ./ivfsp service --backend mock -q:          %7.0f ms (%4.0f .. %4.0f)  %.2f x hello%n",
                c, min(cliMs), max(cliMs), c / h);
        System.out.printf(Locale.ROOT, "same, bare java -cp (no archive, default JIT/GC): %7.0f ms (%4.0f .. %4.0f)  %.2f x hello%n",
                b, min(bareMs), max(bareMs), b / h);
    }

    private static double wall(List<String> cmd, Path dir) throws IOException, InterruptedException {
        long t = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
        }
        return (System.nanoTime() - t) / 1e6;
    }

    private static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> xs) {
        return Collections.min(xs);
    }

    private static double max(List<Double> xs) {
        return Collections.max(xs);
    }
}
