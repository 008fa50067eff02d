package io.ivfsp.nativeacl;

import io.ivfsp.compile.AtcArguments;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.nativeacl.bind.AclLibrary;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Compiles in this process through {@code GeApiWrapper_Atc_Main} of {@code libpyatc_wrapper.so}
 * (newest CANN only), without starting an ATC process per file. ATC keeps process-global state, so
 * calls are serialized across the whole JVM and {@link #maxParallelism()} is 1. A running compile
 * cannot be interrupted: timeouts and cancellation are honoured before it starts.
 *
 * <p>What it does to the process, since ATC reads its settings from the C environment and prints to
 * file descriptors 1 and 2:
 * <ul>
 *   <li>{@code ASCEND_WORK_PATH} (where ATC writes its side files) is set once per process, on the
 *       first {@link #load}, to a private directory that lives as long as the JVM, unless the
 *       environment already sets it; after each compile the side files move to the job's own work
 *       directory.</li>
 *   <li>{@code TE_PARALLEL_COMPILER} is set from {@link CompileRequest#compileWorkers()} while no
 *       compile runs, and only when the value changes (once per run in practice). glibc's environment
 *       is not safe against a concurrent {@code getenv} on another thread: a host whose native code
 *       reads the environment on other threads should load the compiler at start-up.</li>
 *   <li>During a compile, descriptors 1 and 2 go to a file in the job's work directory; the compiler's
 *       output becomes the job's output tail instead of this process's standard output. Anything
 *       other threads write to descriptors 1 and 2 meanwhile (also {@code System.out}) lands there too.</li>
 * </ul>
 *
 * <p>Its {@link #cacheIdentity()} covers the OPP version ({@code opp/version.info}, found through
 * {@code ASCEND_OPP_PATH} or beside the library's {@code lib64}) and the compiler library's content, so
 * a toolkit upgrade recompiles. Through the mock CANN (which identifies itself) it is
 * {@linkplain #isSimulated() simulated}.
 *
 * <pre>{@code
 * OpCompiler compiler = InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY);
 * }</pre>
 */
public final class InProcessAtcCompiler implements OpCompiler {

    /** The in-process entry point of ATC. */
    public static final String SYMBOL = "GeApiWrapper_Atc_Main";
    /** The library that exports it, found by the dynamic linker (LD_LIBRARY_PATH). */
    public static final String LIBRARY = "libpyatc_wrapper.so";
    /** The file in the job's work directory that receives the compiler's output. */
    static final String OUTPUT_FILE = "atc-output.log";

    private static final int TAIL_LINES = 40;
    private static final int TAIL_BYTES = 64 * 1024;
    private static final int SCAN_BYTES = 1024 * 1024;

    /** ATC is not reentrant: one compile at a time in the whole process. Also guards the environment. */
    private static final Object ATC_LOCK = new Object();
    /** One compiler per library: each library is opened and inspected once per process. */
    private static final Map<String, InProcessAtcCompiler> LOADED = new ConcurrentHashMap<>();
    /** The private ASCEND_WORK_PATH this class set, or null when the environment had one. Guarded by ATC_LOCK. */
    private static Path ownWorkPath;
    private static boolean workPathChecked;

    private final String library;
    private final Pointer entry;
    private final Optional<Path> file;
    private final Optional<String> mockIdentity;
    private final String identity;

    private InProcessAtcCompiler(String library, Pointer entry, Optional<Path> file, Optional<String> mockIdentity,
                                 String identity) {
        this.library = library;
        this.entry = entry;
        this.file = file;
        this.mockIdentity = mockIdentity;
        this.identity = identity;
    }

    /**
     * The compiler of {@code library} (a file name searched like {@code dlopen} does, or a path): opened
     * and inspected on the first call for that name, the same object after.
     *
     * @throws NativeUnavailableException if the ACL binding is unavailable
     * @throws IllegalStateException      if the library cannot be opened or does not export the entry point
     */
    public static InProcessAtcCompiler load(String library) {
        InProcessAtcCompiler c = open(library);
        preparePrivateWorkPath();
        return c;
    }

    /** The compiler of {@code library}, opened and inspected once; the process environment is not touched. */
    static InProcessAtcCompiler open(String library) {
        NativeAcl.ensureAvailability();
        InProcessAtcCompiler c = LOADED.get(library);
        if (c != null) {
            return c;
        }
        Pointer entry = NativeAcl.symbol(library, SYMBOL).orElseThrow(() -> new IllegalStateException(
                "in-process ATC unavailable: " + library + " does not export " + SYMBOL + " ("
                        + NativeAcl.symbolError(library, SYMBOL) + "); it exists only in the newest CANN,"
                        + " use the atc backend otherwise"));
        Optional<Path> file = libraryFile(entry);
        Optional<String> mock = NativeAcl.mockIdentity(library);
        String identity = "native/opp=" + digest(oppVersionFile(file)) + ";lib="
                + file.map(InProcessAtcCompiler::digest).orElse("unknown:" + library)
                + mock.map(m -> ";simulated=" + m).orElse("");
        return LOADED.computeIfAbsent(library, k -> new InProcessAtcCompiler(library, entry, file, mock, identity));
    }

    /** Why {@link #load(String)} would fail, or empty when it would succeed. */
    public static Optional<String> unavailableReason(String library) {
        try {
            open(library);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Optional<Path> libraryFile(Pointer entry) {
        try (BytePointer path = new BytePointer(4096)) {
            return AclLibrary.ivfsp_library_file(entry, path, 4096) == 0
                    ? NativeAcl.string(path).map(Path::of).map(Path::toAbsolutePath) : Optional.empty();
        }
    }

    /** {@code $ASCEND_OPP_PATH/version.info}, else {@code opp/version.info} beside the library's {@code lib64}. */
    private static Optional<Path> oppVersionFile(Optional<Path> library) {
        Optional<Path> fromEnv = Optional.ofNullable(System.getenv("ASCEND_OPP_PATH")).filter(s -> !s.isBlank())
                .map(s -> Path.of(s, "version.info"));
        return fromEnv.or(() -> library.map(Path::getParent).map(Path::getParent).map(p -> p.resolve("opp").resolve("version.info")));
    }

    private static String digest(Optional<Path> file) {
        return file.filter(Files::isRegularFile).map(InProcessAtcCompiler::digest).orElse("missing");
    }

    private static String digest(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            return "unreadable";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** Sets ASCEND_WORK_PATH once per process to a private directory, unless the environment has one. */
    private static void preparePrivateWorkPath() {
        synchronized (ATC_LOCK) {
            if (workPathChecked) {
                return;
            }
            workPathChecked = true;
            if (cEnv("ASCEND_WORK_PATH").filter(s -> !s.isEmpty()).isPresent()) {
                return;
            }
            try {
                Path dir = Files.createTempDirectory("ivfsp-atc-work-");
                setCEnv("ASCEND_WORK_PATH", dir.toString());
                ownWorkPath = dir;
                Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(dir), "ivfsp-atc-work-cleanup"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a private ASCEND_WORK_PATH for in-process ATC", e);
            }
        }
    }

    /** A variable of the C environment (what ATC sees), or empty. */
    static Optional<String> cEnv(String name) {
        try (BytePointer key = NativeAcl.utf8(name)) {
            return NativeAcl.string(AclLibrary.ivfsp_getenv(key));
        }
    }

    private static void setCEnv(String name, String value) {
        try (BytePointer key = NativeAcl.utf8(name); BytePointer v = NativeAcl.utf8(value)) {
            int errno = AclLibrary.ivfsp_setenv(key, v);
            if (errno != 0) {
                throw new IllegalStateException("setenv(" + name + ") failed with errno " + errno);
            }
        }
    }

    /** The library the entry point was found in, as asked for. */
    public String library() {
        return library;
    }

    /** The file the dynamic linker loaded the library from, when it says. */
    public Optional<Path> libraryFile() {
        return file;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public int maxParallelism() {
        return 1;
    }

    /** The OPP version and the compiler library's content (SHA-256 each), and the mock's identity if simulated. */
    @Override
    public String cacheIdentity() {
        return identity;
    }

    /** Whether the library is the mock CANN's: its models are simulated, not loadable by a real runtime. */
    @Override
    public boolean isSimulated() {
        return mockIdentity.isPresent();
    }

    @Override
    public CompileOutcome compile(CompileRequest request) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("atc");
        argv.addAll(AtcArguments.of(request));
        List<String> shown = new ArrayList<>(argv);
        shown.set(0, library + ":" + SYMBOL);
        Path output = request.workDirectory().toAbsolutePath().resolve(OUTPUT_FILE);

        long start = System.nanoTime();
        int status;
        synchronized (ATC_LOCK) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (request.cancellation().isCancelled()) {
                return failure(request, shown, CompileFailure.Kind.CANCELLED, "cancelled before start", OptionalInt.empty(),
                        "", start);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (request.timeout().filter(t -> waited.compareTo(t) >= 0).isPresent()) {
                return failure(request, shown, CompileFailure.Kind.TIMEOUT,
                        "timed out waiting for the in-process compiler", OptionalInt.empty(), "", start);
            }
            if (request.compileWorkers() > 0) {
                String workers = String.valueOf(request.compileWorkers());
                if (!cEnv("TE_PARALLEL_COMPILER").equals(Optional.of(workers))) {
                    setCEnv("TE_PARALLEL_COMPILER", workers);
                }
            }
            try {
                status = run(argv, output);
            } catch (IllegalStateException e) {
                return failure(request, shown, CompileFailure.Kind.LAUNCH, e.getMessage(), OptionalInt.empty(), "", start);
            } finally {
                collectSideFiles(request.workDirectory());
            }
        }
        String tail = tail(output);
        if (status != 0) {
            return failure(request, shown, CompileFailure.Kind.EXIT_STATUS, SYMBOL + " failed", OptionalInt.of(status),
                    tail, start, errorCode(output));
        }
        return new CompileOutcome.Compiled(request.file(), shown, tail, Duration.ofNanos(System.nanoTime() - start));
    }

    /** One call of the entry point with a NULL-terminated argv, descriptors 1 and 2 sent to {@code output}. */
    private int run(List<String> argv, Path output) {
        List<BytePointer> strings = new ArrayList<>();
        try (PointerPointer<BytePointer> args = new PointerPointer<>(argv.size() + 1);
             BytePointer outputPath = NativeAcl.utf8(output.toString());
             IntPointer saved = new IntPointer(2)) {
            for (int i = 0; i < argv.size(); i++) {
                BytePointer s = NativeAcl.utf8(argv.get(i));
                strings.add(s);
                args.put(i, s);
            }
            args.put(argv.size(), (Pointer) null);
            int errno = AclLibrary.ivfsp_capture_begin(outputPath, saved);
            if (errno != 0) {
                throw new IllegalStateException("cannot capture the compiler's output in " + output + " (errno " + errno + ")");
            }
            try {
                return AclLibrary.ivfsp_atc_main(entry, argv.size(), args);
            } finally {
                AclLibrary.ivfsp_capture_end(saved);
            }
        } finally {
            strings.forEach(BytePointer::close);
        }
    }

    /** Moves what ATC left in the private ASCEND_WORK_PATH into the job's work directory. Holds ATC_LOCK. */
    private static void collectSideFiles(Path workDirectory) {
        if (ownWorkPath == null) {
            return;
        }
        try (Stream<Path> s = Files.list(ownWorkPath)) {
            for (Path p : s.toList()) {
                moveTree(p, workDirectory.resolve(p.getFileName()));
            }
        } catch (IOException e) {
            // Left behind, they are overwritten or moved by the next compile; the job's result stands.
        }
    }

    /** Moves a file or a directory tree, also to another file system; links are moved as links. */
    private static void moveTree(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
            return;
        } catch (IOException e) {
            // a non-empty directory to another file system: copy, then delete
        }
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : s.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.REPLACE_EXISTING, java.nio.file.LinkOption.NOFOLLOW_LINKS);
                }
            }
        }
        deleteTree(from);
    }

    /** The last lines of the compiler's output (bounded). */
    private static String tail(Path output) {
        try {
            long size = Files.size(output);
            byte[] bytes;
            try (var ch = Files.newByteChannel(output)) {
                long from = Math.max(0, size - TAIL_BYTES);
                ch.position(from);
                bytes = Channels.readAll(ch, (int) Math.min(TAIL_BYTES, size));
            }
            List<String> lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).lines().toList();
            if (size > TAIL_BYTES && !lines.isEmpty()) {
                lines = lines.subList(1, lines.size()); // the first line is cut
            }
            return String.join(System.lineSeparator(), lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(the compiler's output in " + output + " cannot be read: " + e.getMessage() + ")";
        }
    }

    /** The first ATC error code in the compiler's output (its first megabyte). */
    private static Optional<String> errorCode(Path output) {
        try (InputStream in = Files.newInputStream(output)) {
            return CompileFailure.findErrorCode(new String(in.readNBytes(SCAN_BYTES), java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static CompileFailure failure(CompileRequest request, List<String> command, CompileFailure.Kind kind,
                                          String detail, OptionalInt status, String tail, long start) {
        return failure(request, command, kind, detail, status, tail, start, Optional.empty());
    }

    private static CompileFailure failure(CompileRequest request, List<String> command, CompileFailure.Kind kind,
                                          String detail, OptionalInt status, String tail, long start,
                                          Optional<String> errorCode) {
        return new CompileFailure(request.file(), kind, detail, command, status, errorCode, tail,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // at exit: nothing more to do
        }
    }

    /** Reading a bounded number of bytes from a channel. */
    private static final class Channels {
        static byte[] readAll(java.nio.channels.SeekableByteChannel ch, int n) throws IOException {
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(n);
            while (buf.hasRemaining() && ch.read(buf) > 0) {
                // keep reading
            }
            return java.util.Arrays.copyOf(buf.array(), buf.position());
        }
    }
}
