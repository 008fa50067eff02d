package io.ivfsp.nativeacl;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.nativeacl.bind.AclLibrary;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Compiles in this process through {@code GeApiWrapper_Atc_Main} of {@code libpyatc_wrapper.so}
 * (newest CANN only), without starting an ATC process per file. ATC keeps process-global state, so
 * calls are serialized across the whole JVM and {@link #maxParallelism()} is 1. A running compile
 * cannot be interrupted: timeouts and cancellation are honoured before it starts.
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

    /** ATC is not reentrant: one compile at a time in the whole process. */
    private static final Object ATC_LOCK = new Object();

    private final String library;
    private final Pointer entry;

    private InProcessAtcCompiler(String library, Pointer entry) {
        this.library = library;
        this.entry = entry;
    }

    /**
     * Finds the entry point in {@code library} (a file name searched like {@code dlopen} does, or a path).
     *
     * @throws NativeUnavailableException if the ACL binding is unavailable
     * @throws IllegalStateException      if the library cannot be opened or does not export the entry point
     */
    public static InProcessAtcCompiler load(String library) {
        NativeAcl.ensureAvailability();
        try (BytePointer lib = NativeAcl.utf8(library); BytePointer sym = NativeAcl.utf8(SYMBOL);
             BytePointer error = new BytePointer(1024)) {
            error.put(0, (byte) 0);
            Pointer entry = AclLibrary.ivfsp_find_symbol(lib, sym, error, 1024);
            if (entry == null || entry.isNull()) {
                throw new IllegalStateException("in-process ATC unavailable: " + library + " does not export " + SYMBOL
                        + " (" + NativeAcl.string(error).orElse("") + "); it exists only in the newest CANN,"
                        + " use the atc backend otherwise");
            }
            return new InProcessAtcCompiler(library, entry);
        }
    }

    /** Why {@link #load(String)} would fail, or empty when it would succeed. */
    public static Optional<String> unavailableReason(String library) {
        try {
            load(library);
            return Optional.empty();
        } catch (IllegalStateException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The library the entry point was found in. */
    public String library() {
        return library;
    }

    @Override
    public String name() {
        return "native";
    }

    @Override
    public int maxParallelism() {
        return 1;
    }

    @Override
    public CompileOutcome compile(CompileRequest request) throws InterruptedException {
        List<String> argv = new ArrayList<>();
        argv.add("atc");
        argv.add("--singleop=" + request.jsonFile().toAbsolutePath());
        argv.add("--soc_version=" + request.socVersion());
        argv.add("--output=" + request.outputDirectory().toAbsolutePath());
        request.file().set().atcLogLevel().ifPresent(level -> argv.add("--log=" + level));
        List<String> shown = new ArrayList<>(argv);
        shown.set(0, library + ":" + SYMBOL);

        long start = System.nanoTime();
        synchronized (ATC_LOCK) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (request.cancellation().isCancelled()) {
                return failure(request, shown, CompileFailure.Kind.CANCELLED, "cancelled before start", OptionalInt.empty(), start);
            }
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
            if (request.timeout().filter(t -> waited.compareTo(t) >= 0).isPresent()) {
                return failure(request, shown, CompileFailure.Kind.TIMEOUT,
                        "timed out waiting for the in-process compiler", OptionalInt.empty(), start);
            }
            try (BytePointer key = NativeAcl.utf8("ASCEND_WORK_PATH");
                 BytePointer value = NativeAcl.utf8(request.workDirectory().toAbsolutePath().toString())) {
                // Side files go to the job's private directory, as with an ATC process.
                AclLibrary.ivfsp_setenv(key, value);
            }
            List<BytePointer> strings = new ArrayList<>();
            try (PointerPointer<BytePointer> args = new PointerPointer<>(argv.size())) {
                for (int i = 0; i < argv.size(); i++) {
                    BytePointer s = NativeAcl.utf8(argv.get(i));
                    strings.add(s);
                    args.put(i, s);
                }
                int status = AclLibrary.ivfsp_atc_main(entry, argv.size(), args);
                if (status != 0) {
                    return failure(request, shown, CompileFailure.Kind.EXIT_STATUS, SYMBOL + " failed",
                            OptionalInt.of(status), start);
                }
            } finally {
                strings.forEach(BytePointer::close);
            }
        }
        return new CompileOutcome.Compiled(request.file(), shown, "", Duration.ofNanos(System.nanoTime() - start));
    }

    private static CompileFailure failure(CompileRequest request, List<String> command, CompileFailure.Kind kind,
                                          String detail, OptionalInt status, long start) {
        return new CompileFailure(request.file(), kind, detail, command, status, Optional.empty(),
                "(in-process ATC prints to this process's standard output)", Duration.ofNanos(System.nanoTime() - start));
    }
}
