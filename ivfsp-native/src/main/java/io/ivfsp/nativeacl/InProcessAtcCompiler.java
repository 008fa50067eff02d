package io.ivfsp.nativeacl;

import io.ivfsp.compile.AtcArguments;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.nativeacl.bind.AclLibrary;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;

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

    /** One compiler per library: each library is opened and inspected once per process. */
    private static final Map<String, InProcessAtcCompiler> LOADED = new ConcurrentHashMap<>();

    private final String library;
    private final Pointer entry;
    private final Optional<String> mockIdentity;
    private final String identity;

    private InProcessAtcCompiler(String library, Pointer entry, Optional<String> mockIdentity, String identity) {
        this.library = library;
        this.entry = entry;
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
        AtcEnvironment.preparePrivateWorkPath();
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
        Optional<Path> file = CompilerIdentity.libraryFile(entry);
        Optional<String> mock = NativeAcl.mockIdentity(library);
        String identity = CompilerIdentity.of(library, file, mock);
        return LOADED.computeIfAbsent(library, k -> new InProcessAtcCompiler(library, entry, mock, identity));
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
        List<String> argv = AtcArguments.command("atc", request);
        List<String> shown = AtcArguments.command(library + ":" + SYMBOL, request);
        Path output = request.workDirectory().toAbsolutePath().resolve(OUTPUT_FILE);

        long start = System.nanoTime();
        int status;
        synchronized (AtcEnvironment.LOCK) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (request.cancellation().isCancelled()) {
                return notRun(request, shown, CompileFailure.Kind.CANCELLED, "cancelled before start", start);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (request.timeout().filter(t -> waited.compareTo(t) >= 0).isPresent()) {
                return notRun(request, shown, CompileFailure.Kind.TIMEOUT, "timed out waiting for the in-process compiler",
                        start);
            }
            if (request.compileWorkers() > 0) {
                AtcEnvironment.compileWorkers(request.compileWorkers());
            }
            try {
                status = run(argv, output);
            } catch (IllegalStateException e) {
                return notRun(request, shown, CompileFailure.Kind.LAUNCH, e.getMessage(), start);
            } finally {
                AtcEnvironment.collectSideFiles(request.workDirectory());
            }
        }
        String tail = CompilerOutput.tail(output);
        if (status != 0) {
            return failure(request, shown, CompileFailure.Kind.EXIT_STATUS, SYMBOL + " failed", OptionalInt.of(status),
                    tail, start, CompilerOutput.errorCode(output));
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

    /** A compile that did not run the entry point: no exit status, no output, no ATC error code. */
    private static CompileFailure notRun(CompileRequest request, List<String> command, CompileFailure.Kind kind,
                                         String detail, long start) {
        return failure(request, command, kind, detail, OptionalInt.empty(), "", start, Optional.empty());
    }

    private static CompileFailure failure(CompileRequest request, List<String> command, CompileFailure.Kind kind,
                                          String detail, OptionalInt status, String tail, long start,
                                          Optional<String> errorCode) {
        return new CompileFailure(request.file(), kind, detail, command, status, errorCode, tail,
                Duration.ofNanos(System.nanoTime() - start));
    }
}
