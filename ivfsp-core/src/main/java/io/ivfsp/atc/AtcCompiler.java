package io.ivfsp.atc;

import io.ivfsp.compile.AtcArguments;
import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.compile.OpCompiler;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compiles single-op JSON files by running CANN's {@code atc} as a child process, one process per
 * file, each in its own working directory, with the environment of the reference scripts.
 *
 * <p>Each ATC runs under a watchdog in a process group of its own, so that a timeout, a cancellation,
 * a shutdown of the JVM or its death by SIGKILL kills ATC with every process it started at once; its
 * output is kept in bounded memory (the last lines and the error-code lines), however much it writes.
 *
 * <pre>{@code
 * OpCompiler atc = AtcCompiler.builder().toolkit(AtcToolkit.discover()).build();
 * }</pre>
 */
public final class AtcCompiler implements OpCompiler {

    private static final Logger log = LoggerFactory.getLogger(AtcCompiler.class);

    /** How long a stopped process may take to go before its tree is killed one by one. */
    private static final long STOP_GRACE_MILLIS = 3000;
    /** How long the output is read after the process ended (its last bytes are in the pipe). */
    private static final long READER_GRACE_MILLIS = 10_000;
    private static final Optional<Watchdog> WATCHDOG = Watchdog.find();

    private final AtcToolkit toolkit;
    private final Map<String, String> baseEnvironment;
    private final int tailLines;
    private final String identity;
    private final Optional<Watchdog> watchdog;

    private AtcCompiler(Builder b) {
        this.toolkit = b.toolkit.requireAtc();
        this.baseEnvironment = Map.copyOf(b.baseEnvironment);
        this.tailLines = b.tailLines;
        this.identity = "atc/" + toolkit.identity();
        this.watchdog = b.watchdog;
    }

    /** A builder; the toolkit defaults to {@link AtcToolkit#discover()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The toolkit whose {@code bin/atc} runs. */
    public AtcToolkit toolkit() {
        return toolkit;
    }

    @Override
    public String name() {
        return "atc";
    }

    /** The toolkit's identity: {@code opp/version.info} and {@code bin/atc}, read when this compiler was built. */
    @Override
    public String cacheIdentity() {
        return identity;
    }

    /** The command for a request: {@code atc --singleop=... --soc_version=... --output=... [--log=...]}. */
    public List<String> command(CompileRequest request) {
        return AtcArguments.command(toolkit.atc().toString(), request);
    }

    /** The environment a request's process sees. */
    public Map<String, String> environment(CompileRequest request) {
        Map<String, String> env = toolkit.childEnvironment(baseEnvironment);
        // Side files (kernel_meta/, fusion_result.json, ge_check_op.json) go to the job's private directory.
        env.put("ASCEND_WORK_PATH", request.workDirectory().toAbsolutePath().toString());
        if (request.compileWorkers() > 0) {
            // Each ATC process starts this many compile workers of its own (default 8): the generator sets
            // it so that jobs x workers does not oversubscribe the machine.
            env.put("TE_PARALLEL_COMPILER", String.valueOf(request.compileWorkers()));
        }
        return env;
    }

    @Override
    public CompileOutcome compile(CompileRequest request) throws InterruptedException {
        List<String> cmd = command(request);
        long start = System.nanoTime();
        if (request.cancellation().isCancelled()) {
            return failure(request, cmd, CompileFailure.Kind.CANCELLED, "cancelled before start",
                    OptionalInt.empty(), new OutputTail(tailLines), start);
        }
        Map<String, String> env = environment(request);
        ProcessBuilder pb = new ProcessBuilder(watchdog.map(w -> w.wrap(cmd, env)).orElse(cmd))
                .directory(request.workDirectory().toFile())
                .redirectErrorStream(true);
        if (watchdog.isEmpty()) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        pb.environment().clear();
        pb.environment().putAll(env);

        Process process;
        try {
            process = pb.start();
        } catch (IOException e) {
            return failure(request, cmd, CompileFailure.Kind.LAUNCH, "could not start ATC: " + e.getMessage(),
                    OptionalInt.empty(), new OutputTail(tailLines), start);
        }
        log.debug("started ATC pid {} for {}", process.pid(), request.file().fileName());
        OutputTail tail = new OutputTail(tailLines);
        Thread reader = new Thread(() -> tail.drain(process.getInputStream()), "atc-output-" + process.pid());
        reader.setDaemon(true);
        reader.start();

        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        boolean timedOut;
        try (Cancellation.Registration ignored = request.cancellation().onCancel(() -> {
            // Runs in the cancelling thread, for every job in turn: signal and return, never wait.
            cancelled.complete(null);
            stop(process);
        })) {
            timedOut = !awaitExitOrCancel(process, cancelled, request.timeout());
        } catch (InterruptedException e) {
            stop(process);
            throw e;
        }
        if (timedOut || cancelled.isDone()) {
            stop(process);
            ensureGone(process);
        }
        reader.join(READER_GRACE_MILLIS);
        if (timedOut) {
            return failure(request, cmd, CompileFailure.Kind.TIMEOUT,
                    "timed out after " + CompileFailure.seconds(request.timeout().orElseThrow()) + " and was killed with its children",
                    OptionalInt.empty(), tail, start);
        }
        if (cancelled.isDone()) {
            // A process stuck in the kernel may outlast even SIGKILL for a while: no status then.
            return failure(request, cmd, CompileFailure.Kind.CANCELLED, "cancelled and killed with its children",
                    process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue()), tail, start);
        }
        int status = process.exitValue();
        if (status != 0) {
            return failure(request, cmd, CompileFailure.Kind.EXIT_STATUS, "ATC failed",
                    OptionalInt.of(status), tail, start);
        }
        return new CompileOutcome.Compiled(request.file(), cmd, tail.text(), Duration.ofNanos(System.nanoTime() - start));
    }

    /** Waits for the process to end or the job to be cancelled; false if the timeout passed first. */
    private static boolean awaitExitOrCancel(Process process, CompletableFuture<Void> cancelled,
                                             Optional<Duration> timeout) throws InterruptedException {
        CompletableFuture<Object> either = CompletableFuture.anyOf(process.onExit(), cancelled);
        try {
            if (timeout.isEmpty()) {
                either.get();
            } else {
                either.get(timeout.get().toNanos(), TimeUnit.NANOSECONDS);
            }
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException("waiting for ATC failed", e.getCause());
        }
    }

    /**
     * Kills the process's whole group: closing the watchdog's input makes it send SIGKILL to the group
     * at once. Without a watchdog, SIGKILL goes to the process tree.
     */
    private void stop(Process process) {
        if (watchdog.isEmpty()) {
            ProcessTree.kill(process.toHandle());
            return;
        }
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            ProcessTree.kill(process.toHandle());
        }
    }

    /** Waits for a stopped process; one that outlasts the watchdog's grace is killed as a tree. */
    private static void ensureGone(Process process) throws InterruptedException {
        if (!process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS)) {
            log.warn("ATC pid {} was still running {} ms after it was stopped; killing its process tree",
                    process.pid(), STOP_GRACE_MILLIS);
            ProcessTree.kill(process.toHandle());
            process.waitFor(STOP_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private static CompileFailure failure(CompileRequest request, List<String> cmd, CompileFailure.Kind kind,
                                          String detail, OptionalInt status, OutputTail tail, long start) {
        return new CompileFailure(request.file(), kind, detail, cmd, status, tail.errorCode(), tail.text(),
                Duration.ofNanos(System.nanoTime() - start));
    }

    /** Settings of an {@link AtcCompiler}. */
    public static final class Builder {
        private AtcToolkit toolkit;
        private Map<String, String> baseEnvironment = System.getenv();
        private int tailLines = 40;
        private Optional<Watchdog> watchdog = WATCHDOG;

        private Builder() {
        }

        /** Runs ATC without the watchdog, as on a machine without {@code setsid}: for the tests of that path. */
        Builder withoutWatchdog() {
            this.watchdog = Optional.empty();
            return this;
        }

        /** Runs ATC under the shell watchdog, as on a machine without {@code python3}: for the tests of that path. */
        Builder withShellWatchdog() {
            this.watchdog = Watchdog.env().flatMap(Watchdog::shell);
            return this;
        }

        /** The toolkit to use; default {@link AtcToolkit#discover()}. */
        public Builder toolkit(AtcToolkit toolkit) {
            this.toolkit = Objects.requireNonNull(toolkit, "toolkit");
            return this;
        }

        /** The environment the child's is derived from; default this process's. */
        public Builder baseEnvironment(Map<String, String> env) {
            this.baseEnvironment = Objects.requireNonNull(env, "env");
            return this;
        }

        /**
         * How many lines of ATC's output a failure keeps; default 40.
         *
         * @throws IllegalArgumentException if not positive
         */
        public Builder tailLines(int lines) {
            if (lines <= 0) {
                throw new IllegalArgumentException("tail lines must be positive: " + lines);
            }
            this.tailLines = lines;
            return this;
        }

        /**
         * Builds the compiler.
         *
         * @throws ToolkitNotFoundException if the toolkit has no {@code bin/atc}
         */
        public AtcCompiler build() {
            if (toolkit == null) {
                toolkit = AtcToolkit.discover(baseEnvironment);
            }
            return new AtcCompiler(this);
        }
    }
}
