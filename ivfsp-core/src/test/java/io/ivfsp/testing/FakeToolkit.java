package io.ivfsp.testing;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.json.JsonWriter;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A CANN toolkit directory whose {@code bin/atc} is the ATC-like fixture ({@code fixture/fake_atc.c},
 * compiled), a real child process. Behaviour is chosen by {@link #configure(Map)}; every run leaves a record.
 */
public final class FakeToolkit {

    private final Path home;
    private final Path records;

    private FakeToolkit(Path home) {
        this.home = home;
        this.records = home.resolve("records");
    }

    /** Creates a toolkit under {@code dir}: {@code bin/atc}, {@code opp/version.info}, no failures configured. */
    public static FakeToolkit create(Path dir) {
        try {
            Path home = Files.createDirectories(dir.resolve("toolkit"));
            Path bin = Files.createDirectories(home.resolve("bin"));
            // A compiled program, not a script: a run costs about a millisecond of CPU where an interpreter's
            // start alone cost fifteen, and the tests start over a thousand of them.
            installExecutable(bin.resolve("atc"), program());
            Files.createDirectories(home.resolve("opp"));
            Files.writeString(home.resolve("opp").resolve("version.info"), "Version=8.0.0-fake\n");
            FakeToolkit t = new FakeToolkit(home);
            t.configure(Map.of());
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while compiling the fake ATC", e);
        }
    }

    /**
     * Writes {@code content} as the executable {@code target} (rwxr-xr-x), replacing it, without this JVM
     * ever holding {@code target} open for writing: a process another test thread starts meanwhile would
     * inherit such a descriptor (the JVM does not open files close-on-exec) until its helper closes it, and
     * running the file in that window fails with "Text file busy". The bytes go to a scratch file, and a
     * {@code cp} child process writes the target.
     */
    public static void installExecutable(Path target, byte[] content) throws IOException {
        Path staged = Files.createTempFile("fake-atc", ".bin");
        try {
            Files.write(staged, content);
            Waits.Finished cp = Waits.run(new ProcessBuilder("cp", staged.toString(), target.toString())
                    .redirectErrorStream(true));
            if (cp.exit() != 0) {
                throw new IOException("cp " + staged + " " + target + " failed (exit status " + cp.exit() + "): " + cp.out());
            }
            Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while installing " + target);
        } finally {
            Files.deleteIfExists(staged);
        }
    }

    private static byte[] program;
    private static IOException compileFailure;

    /**
     * The fixture, compiled once per JVM with {@code cc} (or {@code gcc}) from the PATH in a scratch
     * directory that is deleted afterwards. Not optimised: {@code -O2} took four times as long to compile
     * (1.0 s of CPU against 0.23 s), once in each of the build's five test JVMs, and a run is mostly the
     * process's start-up either way.
     *
     * @throws IOException if there is no compiler, or it fails (its whole output is in the message)
     */
    private static synchronized byte[] program() throws IOException, InterruptedException {
        if (compileFailure != null) {
            throw new IOException(compileFailure.getMessage(), compileFailure);  // once per JVM, not once per toolkit
        }
        if (program == null) {
            try {
                program = compile();
            } catch (IOException e) {
                compileFailure = e;
                throw e;
            }
        }
        return program;
    }

    private static byte[] compile() throws IOException, InterruptedException {
        String cc = compiler();
        Path scratch = Files.createTempDirectory("fake-atc");
        try {
            Path source = scratch.resolve("fake_atc.c");
            try (InputStream in = FakeToolkit.class.getResourceAsStream("/fixture/fake_atc.c")) {
                if (in == null) {
                    throw new IOException("the test resource /fixture/fake_atc.c is not on the class path");
                }
                Files.copy(in, source);
            }
            Path binary = scratch.resolve("atc");
            Waits.Finished build = Waits.run(new ProcessBuilder(cc, "-std=gnu11", "-o", binary.toString(), source.toString())
                    .redirectErrorStream(true));
            if (build.exit() != 0 || !Files.isRegularFile(binary)) {
                throw new IOException(cc + " could not compile the fake ATC (exit status " + build.exit() + "):\n"
                        + build.out());
            }
            return Files.readAllBytes(binary);
        } finally {
            try (Stream<Path> s = Files.walk(scratch)) {
                for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    /** The first of {@code cc} and {@code gcc} that the PATH holds as an executable file. */
    private static String compiler() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String name : List.of("cc", "gcc")) {
            for (String d : path.split(":")) {
                Path candidate = Path.of(d.isEmpty() ? "." : d).resolve(name);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return candidate.toString();
                }
            }
        }
        throw new IOException("no C compiler (cc or gcc) on the PATH (" + path + ") to build the fake ATC");
    }

    /** The toolkit directory. */
    public Path home() {
        return home;
    }

    /** This toolkit for the ATC backend. */
    public AtcToolkit toolkit() {
        return AtcToolkit.at(home);
    }

    /**
     * A generator compiling with this toolkit's ATC into {@code root}, 4 jobs at a time, one ATC call per
     * job (so that tests can count calls per JSON file; tests about batching set it). ATC runs under the
     * shell watchdog ({@link io.ivfsp.atc.LightWatchdog}).
     */
    public io.ivfsp.generate.ModelGeneratorBuilder generator(Path root) {
        return generator(root, io.ivfsp.atc.LightWatchdog.builder());
    }

    /** Same as {@link #generator(Path)}, with the compiler {@code atc} builds (say, the production default). */
    public io.ivfsp.generate.ModelGeneratorBuilder generator(Path root, io.ivfsp.atc.AtcCompiler.Builder atc) {
        return io.ivfsp.generate.ModelGenerator.builder()
                .compiler(atc.toolkit(toolkit()).build())
                .outputRoot(root).parallelism(4).batching(io.ivfsp.generate.BatchingMode.NEVER);
    }

    /** Writes {@code fixture.json}: keys as documented in {@code fake_atc.c}; {@code records} is always set. */
    public FakeToolkit configure(Map<String, Object> behaviour) {
        Map<String, Object> fx = new LinkedHashMap<>(behaviour);
        fx.put("records", records.toString());
        try {
            Files.writeString(home.resolve("fixture.json"), JsonWriter.write(fx));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** The runs recorded so far (a hung or killed run records nothing). */
    public List<AtcRun> runs() {
        if (!Files.isDirectory(records)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(records)) {
            List<AtcRun> runs = new ArrayList<>();
            for (Path f : files.filter(p -> p.toString().endsWith(".run")).sorted().toList()) {
                runs.add(AtcRun.parse(Files.readAllLines(f)));
            }
            runs.sort((a, b) -> Double.compare(a.start(), b.start()));
            return runs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Pids ({@code [atc, child]}) of the runs that hung, as they recorded before hanging. */
    public List<long[]> hungPids() {
        return pidRecords("hang-");
    }

    /**
     * Pids ({@code [atc, child, re-parented grandchild]}) of the runs that hung with {@code hang_tree},
     * as they recorded before hanging.
     */
    public List<long[]> treePids() {
        return pidRecords("tree-");
    }

    private List<long[]> pidRecords(String prefix) {
        if (!Files.isDirectory(records)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(records)) {
            List<long[]> pids = new ArrayList<>();
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
                pids.add(Stream.of(Files.readString(f).trim().split(" ")).mapToLong(Long::parseLong).toArray());
            }
            return pids;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The most runs that overlapped in time. */
    public int maxConcurrentRuns() {
        List<double[]> events = new ArrayList<>();
        for (AtcRun r : runs()) {
            events.add(new double[] {r.start(), 1});
            events.add(new double[] {r.end(), -1});
        }
        events.sort((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0]) : Double.compare(a[1], b[1]));
        int now = 0;
        int max = 0;
        for (double[] e : events) {
            now += (int) e[1];
            max = Math.max(max, now);
        }
        return max;
    }

    /**
     * One recorded ATC run.
     *
     * @param pid   its process id
     * @param cwd   its working directory
     * @param start when it started (epoch seconds)
     * @param end   when it ended
     * @param args  its arguments
     * @param env   the variables it saw, of those the fixture records
     */
    public record AtcRun(long pid, String cwd, double start, double end, List<String> args, Map<String, String> env) {

        static AtcRun parse(List<String> lines) {
            long pid = 0;
            String cwd = "";
            double start = 0;
            double end = 0;
            List<String> args = new ArrayList<>();
            Map<String, String> env = new LinkedHashMap<>();
            for (String line : lines) {
                int sp = line.indexOf(' ');
                String key = line.substring(0, sp);
                String value = line.substring(sp + 1);
                switch (key) {
                    case "pid" -> pid = Long.parseLong(value);
                    case "cwd" -> cwd = value;
                    case "start" -> start = Double.parseDouble(value);
                    case "end" -> end = Double.parseDouble(value);
                    case "arg" -> args.add(value);
                    case "env" -> env.put(value.substring(0, value.indexOf('=')), value.substring(value.indexOf('=') + 1));
                    default -> throw new IllegalArgumentException("unknown record line: " + line);
                }
            }
            return new AtcRun(pid, cwd, start, end, args, env);
        }

        /** The value of {@code --name=value}, or null. */
        public String arg(String name) {
            String prefix = "--" + name + "=";
            return args.stream().filter(a -> a.startsWith(prefix)).map(a -> a.substring(prefix.length()))
                    .findFirst().orElse(null);
        }
    }
}
