package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.DataType;
import io.ivfsp.ops.OpDesc;
import io.ivfsp.ops.OpFile;
import io.ivfsp.ops.TensorDesc;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MockOpCompilerTest {

    @TempDir
    Path dir;

    private static OpDesc op(String type) {
        return new OpDesc(type, List.of(TensorDesc.dynamic(DataType.FLOAT16, 2)), List.of(TensorDesc.of(DataType.INT32, 1, 256)));
    }

    private static final OpFile TWO_OPS = new OpFile("two_ops", ModelSet.SERVICE, List.of(op("Foo"), op("Bar")));
    private static final OpFile OTHER = new OpFile("other", ModelSet.SERVICE, List.of(op("Foo")));

    private CompileRequest request(OpFile file, Optional<Duration> timeout, Cancellation cancellation) throws IOException {
        Path out = Files.createDirectories(dir.resolve(file.name()).resolve("out"));
        Path work = Files.createDirectories(dir.resolve(file.name()).resolve("work"));
        return new CompileRequest(file, dir.resolve(file.fileName()), out, work, "Ascend310P3", timeout, cancellation);
    }

    private CompileRequest request(OpFile file) throws IOException {
        return request(file, Optional.empty(), new Cancellation());
    }

    @Test
    void writesEveryModelOfTheFileUnderAtcsNamesWithTheSimulatedContent() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();
        CompileRequest request = request(TWO_OPS);

        CompileOutcome outcome = mock.compile(request);

        assertThat(outcome).isInstanceOf(CompileOutcome.Compiled.class);
        assertThat(outcome.file()).isEqualTo(TWO_OPS);
        assertThat(outcome.elapsed()).isPositive();
        List<String> names = TWO_OPS.omFileNames();
        assertThat(request.outputDirectory().resolve(names.get(0)))
                .hasBinaryContent(MockOmFormat.content(op("Foo"), "Ascend310P3"));
        assertThat(request.outputDirectory().resolve(names.get(1)))
                .hasBinaryContent(MockOmFormat.content(op("Bar"), "Ascend310P3"));
        assertThat(mock.compiled()).containsExactly(TWO_OPS);
    }

    @Test
    void identifiesItselfAsTheSimulatedBackend() {
        MockOpCompiler mock = MockOpCompiler.create();

        assertThat(mock.name()).isEqualTo("mock");
        assertThat(mock.isSimulated()).isTrue();
        assertThat(mock.cacheIdentity()).isEqualTo("mock/" + MockOmFormat.MAGIC);
        MockCompilerProvider provider = new MockCompilerProvider();
        assertThat(provider.isSimulated()).isTrue();
        assertThat(provider.unavailableReason()).isEmpty();
        assertThat(provider.rank()).isZero();
        assertThat(provider.create()).isInstanceOf(MockOpCompiler.class);
    }

    @Test
    void fail_byOpTypeReportsTheErrorCodeAndWritesNothing() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().fail("Bar", "E10025").build();
        CompileRequest request = request(TWO_OPS);

        CompileOutcome outcome = mock.compile(request);

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.EXIT_STATUS);
            assertThat(f.exitStatus()).hasValue(255);
            assertThat(f.errorCode()).hasValue("E10025");
            assertThat(f.outputTail()).startsWith("E10025: ").contains("Foo, Bar");
        });
        assertThat(request.outputDirectory()).isEmptyDirectory();
        assertThat(mock.compiled()).isEmpty();
    }

    @Test
    void fail_byFileNameFailsOnlyThatFile() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().fail(TWO_OPS.fileName(), "EZ9999").build();

        assertThat(mock.compile(request(TWO_OPS))).isInstanceOf(CompileFailure.class);
        assertThat(mock.compile(request(OTHER))).isInstanceOf(CompileOutcome.Compiled.class);
        assertThat(mock.compiled()).containsExactly(OTHER);
    }

    @Test
    void delay_aJobThatFinishesWithinItsTimeoutCompiles() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().delay("Foo", Duration.ofMillis(1)).build();

        CompileOutcome outcome = mock.compile(request(OTHER, Optional.of(Duration.ofMinutes(10)), new Cancellation()));

        assertThat(outcome).isInstanceOf(CompileOutcome.Compiled.class);
    }

    @Test
    void delay_longerThanTheTimeoutTimesOut() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().delay("Foo", Duration.ofMinutes(10)).build();
        CompileRequest request = request(OTHER, Optional.of(Duration.ofMillis(20)), new Cancellation());

        long before = System.nanoTime();
        CompileOutcome outcome = mock.compile(request);
        Duration around = Duration.ofNanos(System.nanoTime() - before);

        assertThat(outcome.elapsed()).isPositive().isLessThanOrEqualTo(around);

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.TIMEOUT);
            assertThat(f.detail()).isEqualTo("timed out after 0.02 s");
        });
        assertThat(mock.compiled()).isEmpty();
    }

    @Test
    void delay_cancellationStopsTheWaitingJob() throws Exception {
        MockOpCompiler mock = MockOpCompiler.builder().delay("Foo", Duration.ofMinutes(10)).build();
        Cancellation cancellation = new Cancellation();
        CompileRequest request = request(OTHER, Optional.empty(), cancellation);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CompileOutcome> job = pool.submit(() -> mock.compile(request));
            awaitRunning(mock, 1);
            cancellation.cancel();

            assertThat(job.get()).isInstanceOfSatisfying(CompileFailure.class,
                    f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aCancelledJobWritesNothing() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();
        CompileRequest request = request(OTHER, Optional.empty(), cancellation);

        assertThat(mock.compile(request)).isInstanceOfSatisfying(CompileFailure.class,
                f -> assertThat(f.kind()).isEqualTo(CompileFailure.Kind.CANCELLED));
        assertThat(request.outputDirectory()).isEmptyDirectory();
    }

    @Test
    void delay_negativeIsRefused() {
        assertThatThrownBy(() -> MockOpCompiler.builder().delay("Foo", Duration.ofMillis(-1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("delay must not be negative: PT-0.001S");
    }

    @Test
    void anUnwritableOutputIsReportedAsABackendFailure() throws Exception {
        CompileRequest request = request(OTHER);
        Files.delete(request.outputDirectory());

        CompileOutcome outcome = MockOpCompiler.create().compile(request);

        assertThat(outcome).isInstanceOfSatisfying(CompileFailure.class, f -> {
            assertThat(f.kind()).isEqualTo(CompileFailure.Kind.BACKEND);
            assertThat(f.detail()).startsWith("could not write a simulated model");
        });
    }

    @Test
    void maxConcurrentJobsCountsJobsThatRanAtOnce() throws Exception {
        MockOpCompiler sequential = MockOpCompiler.create();
        sequential.compile(request(OTHER));
        sequential.compile(request(TWO_OPS));
        assertThat(sequential.maxConcurrentJobs()).isEqualTo(1);

        MockOpCompiler mock = MockOpCompiler.builder().delay("Foo", Duration.ofMinutes(10)).build();
        Cancellation cancellation = new Cancellation();
        CompileRequest a = request(OTHER, Optional.empty(), cancellation);
        CompileRequest b = request(TWO_OPS, Optional.empty(), cancellation);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<CompileOutcome> first = pool.submit(() -> mock.compile(a));
            Future<CompileOutcome> second = pool.submit(() -> mock.compile(b));
            awaitRunning(mock, 2);
            cancellation.cancel();
            first.get();
            second.get();
        } finally {
            pool.shutdownNow();
        }
        assertThat(mock.maxConcurrentJobs()).isEqualTo(2);
    }

    /** Waits (generously) until {@code n} jobs have been running at once. */
    private static void awaitRunning(MockOpCompiler mock, int n) throws InterruptedException {
        Waits.until(n + " jobs running at once", () -> mock.maxConcurrentJobs() >= n);
    }

    @Test
    void simulatedModelDescribesTheOpAsAclMatchesIt() {
        assertThat(new String(MockOmFormat.content(op("Foo"), "Ascend910B4"), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("IVFSP-MOCK-OM 1\nsoc Ascend910B4\nop Foo\n"
                        + "input 1 2 2 -1 -1 2 1 -1 1 -1\n"
                        + "output 3 2 2 1 256 0\n"
                        + "end\n");
    }
}
