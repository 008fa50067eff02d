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
        // A model's stat is trusted only once it is older than the racy margin (2 s) when taken: wait past it, and
        // let one run hash the models and record their stats, so that the runs measured are what a restart meets.
        Thread.sleep(2_500);
        wall(cli, work);
        wall(cli, work);
        List<double[]> helloMs = new ArrayList<>();
        List<double[]> cliMs = new ArrayList<>();
        List<double[]> bareMs = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            helloMs.add(wall(hello, work));
            cliMs.add(wall(cli, work));
            bareMs.add(wall(bare, work));
        }
        double h = median(helloMs, 0);
        System.out.printf(Locale.ROOT, "%d runs each, alternating, medians (min .. max); CPU: user + system, median%n",
                runs);
        print("JVM hello world (java -cp ... HelloWorld):      ", helloMs, h);
        print("warm ./ivfsp service --backend mock -q:         ", cliMs, h);
        print("same, bare java -cp (no archive, default JIT/GC):", bareMs, h);
    }

    private static void print(String what, List<double[]> ms, double hello) {
        double wall = median(ms, 0);
        double cpu = median(ms, 1);
        List<Double> walls = ms.stream().map(m -> m[0]).toList();
        System.out.printf(Locale.ROOT, "%s %7.0f ms (%4.0f .. %4.0f)  %5.2f x hello;  CPU %5.0f ms%n", what, wall,
                Collections.min(walls), Collections.max(walls), wall / hello, cpu);
    }

    /**
     * Wall time and CPU time (user + system, from {@code /usr/bin/time}; NaN without it) of one run, in ms:
     * CPU time is what a loaded machine disturbs least.
     */
    private static double[] wall(List<String> cmd, Path dir) throws IOException, InterruptedException {
        Path times = dir.resolve("times.txt");
        List<String> timed = new ArrayList<>(cmd);
        boolean cpu = Files.isExecutable(TIME);
        if (cpu) {
            timed.addAll(0, List.of(TIME.toString(), "-f", "%U %S", "-o", times.toString()));
        }
        long t = System.nanoTime();
        Process p = new ProcessBuilder(timed).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("failed: " + String.join(" ", cmd));
        }
        double wall = (System.nanoTime() - t) / 1e6;
        if (!cpu) {
            return new double[] {wall, Double.NaN};
        }
        String[] us = Files.readString(times).strip().split("\\s+");
        return new double[] {wall, (Double.parseDouble(us[0]) + Double.parseDouble(us[1])) * 1000};
    }

    private static final Path TIME = Path.of("/usr/bin/time");

    private static double median(List<double[]> xs, int column) {
        List<Double> s = new ArrayList<>(xs.stream().map(x -> x[column]).toList());
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }
}
