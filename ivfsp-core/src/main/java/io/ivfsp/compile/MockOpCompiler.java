package io.ivfsp.compile;

import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A compiler for tests without Ascend: writes simulated {@code .om} files ({@link MockOmFormat})
 * under the names ATC gives, fails or delays the ops it is told to, and records what it compiled.
 * Honours timeouts and cancellation like a real backend.
 *
 * <pre>{@code
 * MockOpCompiler mock = MockOpCompiler.builder()
 *         .fail("FpToFp16", "E10025")                       // an op type or a JSON file name
 *         .delay("IvfCidFilter3", Duration.ofMillis(200))
 *         .build();
 * GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(dir).build()
 *         .generate(IvfspConfig.defaults(), ModelSet.SERVICE);
 * assertThat(mock.compiled()).hasSize(26);
 * }</pre>
 */
public final class MockOpCompiler implements OpCompiler {

    private final Map<String, String> failures;
    private final Map<String, Duration> delays;
    private final List<OpFile> compiled = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();

    private MockOpCompiler(Builder b) {
        this.failures = Map.copyOf(b.failures);
        this.delays = Map.copyOf(b.delays);
    }

    /** A mock that compiles everything at once. */
    public static MockOpCompiler create() {
        return builder().build();
    }

    /** A builder to choose failures and delays. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return "mock";
    }

    @Override
    public boolean isSimulated() {
        return true;
    }

    @Override
    public String cacheIdentity() {
        return "mock/" + MockOmFormat.MAGIC;
    }

    /** The files compiled successfully so far, in completion order. */
    public synchronized List<OpFile> compiled() {
        return List.copyOf(compiled);
    }

    /** The most jobs that ran at once. */
    public int maxConcurrentJobs() {
        return maxRunning.get();
    }

    @Override
    public CompileOutcome compile(CompileRequest request) throws InterruptedException {
        long start = System.nanoTime();
        OpFile file = request.file();
        int now = running.incrementAndGet();
        maxRunning.accumulateAndGet(now, Math::max);
        try {
            Duration delay = lookup(delays, file).orElse(Duration.ZERO);
            if (!delay.isZero()) {
                CountDownLatch cancelled = new CountDownLatch(1);
                try (Cancellation.Registration ignored = request.cancellation().onCancel(cancelled::countDown)) {
                    Duration wait = request.timeout().filter(t -> t.compareTo(delay) < 0).orElse(delay);
                    if (cancelled.await(wait.toNanos(), TimeUnit.NANOSECONDS)) {
                        return failure(file, CompileFailure.Kind.CANCELLED, "cancelled", start);
                    }
                    if (wait.compareTo(delay) < 0) {
                        return failure(file, CompileFailure.Kind.TIMEOUT, "timed out after " + CompileFailure.seconds(wait), start);
                    }
                }
            }
            if (request.cancellation().isCancelled()) {
                return failure(file, CompileFailure.Kind.CANCELLED, "cancelled", start);
            }
            Optional<String> code = lookup(failures, file);
            if (code.isPresent()) {
                String output = code.get() + ": simulated failure of " + String.join(", ", file.opTypes());
                return new CompileFailure(file, CompileFailure.Kind.EXIT_STATUS, "simulated ATC failure", List.of(),
                        OptionalInt.of(255), Optional.of(code.get()), output, elapsed(start));
            }
            List<String> names = file.omFileNames();
            for (int i = 0; i < names.size(); i++) {
                Path target = request.outputDirectory().resolve(names.get(i));
                Files.write(target, MockOmFormat.content(file.ops().get(i), request.socVersion()));
            }
            synchronized (this) {
                compiled.add(file);
            }
            return new CompileOutcome.Compiled(file, List.of(), "simulated ATC run success", elapsed(start));
        } catch (IOException e) {
            return failure(file, CompileFailure.Kind.BACKEND, "could not write a simulated model: " + e, start);
        } finally {
            running.decrementAndGet();
        }
    }

    private static <T> Optional<T> lookup(Map<String, T> map, OpFile file) {
        T byFile = map.get(file.fileName());
        if (byFile != null) {
            return Optional.of(byFile);
        }
        return file.opTypes().stream().map(map::get).filter(Objects::nonNull).findFirst();
    }

    private static CompileFailure failure(OpFile file, CompileFailure.Kind kind, String detail, long start) {
        return new CompileFailure(file, kind, detail, List.of(), OptionalInt.empty(), Optional.empty(), "",
                elapsed(start));
    }

    private static Duration elapsed(long start) {
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Chooses which ops fail or take time. */
    public static final class Builder {
        private final Map<String, String> failures = new HashMap<>();
        private final Map<String, Duration> delays = new HashMap<>();

        private Builder() {
        }

        /**
         * Makes a JSON file (by file name, e.g. {@code fp_to_fp16_op_1_pid0.json}) or every file holding an op
         * type (e.g. {@code FpToFp16}) fail with the given ATC error code.
         */
        public Builder fail(String fileNameOrOpType, String errorCode) {
            failures.put(Objects.requireNonNull(fileNameOrOpType), Objects.requireNonNull(errorCode));
            return this;
        }

        /**
         * Makes a JSON file or op type take {@code delay} to compile.
         *
         * @throws IllegalArgumentException if the delay is negative
         */
        public Builder delay(String fileNameOrOpType, Duration delay) {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("delay must not be negative: " + delay);
            }
            delays.put(Objects.requireNonNull(fileNameOrOpType), delay);
            return this;
        }

        /** Builds the mock; the builder may be used again. */
        public MockOpCompiler build() {
            return new MockOpCompiler(this);
        }
    }
}
