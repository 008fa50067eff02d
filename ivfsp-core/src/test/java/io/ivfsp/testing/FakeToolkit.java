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
 * A CANN toolkit directory whose {@code bin/atc} is the ATC-like fixture ({@code fixture/fake_atc.py}),
 * a real child process. Behaviour is chosen by {@link #configure(Map)}; every run leaves a record.
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
            try (InputStream in = FakeToolkit.class.getResourceAsStream("/fixture/fake_atc.py")) {
                Files.copy(in, bin.resolve("fake_atc.py"));
            }
            // bin/atc imports the fixture, run by the interpreter python3 resolves to with -S: no shell, no
            // pyenv shim and no site-packages start with every call (a shim alone costs more than the
            // fixture's whole run, and the tests start thousands of them). The module comes compiled
            // (bin/__pycache__, an unchecked-hash .pyc made once per JVM): compiling the fixture's source
            // was a third of each run's CPU.
            Path atc = bin.resolve("atc");
            Interpreter python = interpreter();
            Files.writeString(atc, "#!" + python.path() + " -S\nimport fake_atc\nfake_atc.main()\n");
            Files.write(Files.createDirectories(bin.resolve("__pycache__")).resolve("fake_atc." + python.cacheTag() + ".pyc"),
                    python.compiledFixture());
            Files.setPosixFilePermissions(atc, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.createDirectories(home.resolve("opp"));
            Files.writeString(home.resolve("opp").resolve("version.info"), "Version=8.0.0-fake\n");
            FakeToolkit t = new FakeToolkit(home);
            t.configure(Map.of());
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The interpreter {@code python3} on the PATH runs (the real one behind a pyenv shim), its cache tag
     * ({@code cpython-311}) and the fixture compiled by it into an unchecked-hash {@code .pyc} (PEP 552:
     * loaded without a look at the source's time, so that one compilation serves every toolkit's copy).
     */
    private record Interpreter(String path, String cacheTag, byte[] compiledFixture) {
    }

    private static Interpreter interpreter;

    private static synchronized Interpreter interpreter() throws IOException {
        if (interpreter == null) {
            Path scratch = Files.createTempDirectory("fake-atc");
            try {
                try (InputStream in = FakeToolkit.class.getResourceAsStream("/fixture/fake_atc.py")) {
                    Files.copy(in, scratch.resolve("fake_atc.py"));
                }
                Path pyc = scratch.resolve("fake_atc.pyc");
                Process p = new ProcessBuilder("python3", "-S", "-c", "import sys, py_compile; py_compile.compile("
                        + "sys.argv[1], cfile=sys.argv[2], doraise=True,"
                        + " invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH);"
                        + " print(sys.executable); print(sys.implementation.cache_tag)",
                        scratch.resolve("fake_atc.py").toString(), pyc.toString())
                        .redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
                List<String> lines = out.lines().toList();
                try {
                    if (p.waitFor() != 0 || lines.size() != 2 || !lines.get(0).startsWith("/") || !Files.isRegularFile(pyc)) {
                        throw new IOException("python3 could not compile the fake ATC: " + out);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException("interrupted while compiling the fake ATC", e);
                }
                interpreter = new Interpreter(lines.get(0), lines.get(1), Files.readAllBytes(pyc));
            } finally {
                try (Stream<Path> s = Files.walk(scratch)) {
                    for (Path f : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
        }
        return interpreter;
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
     * job (so that tests can count calls per JSON file; tests about batching set it).
     */
    public io.ivfsp.generate.ModelGeneratorBuilder generator(Path root) {
        return io.ivfsp.generate.ModelGenerator.builder()
                .compiler(io.ivfsp.atc.AtcCompiler.builder().toolkit(toolkit()).build())
                .outputRoot(root).parallelism(4).batching(io.ivfsp.generate.BatchingMode.NEVER);
    }

    /** Writes {@code fixture.json}: keys as documented in {@code fake_atc.py}; {@code records} is always set. */
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
