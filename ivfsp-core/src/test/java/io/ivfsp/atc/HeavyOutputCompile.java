package io.ivfsp.atc;

import io.ivfsp.compile.Cancellation;
import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.CompileOutcome;
import io.ivfsp.compile.CompileRequest;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles with ATCs that flood their output, in a JVM with a small heap (the test starts it with
 * {@code -Xmx192m}): {@code HeavyOutputCompile <dir>}. Prints one {@code result ...} line per
 * compile and the peak resident set and heap; exits 0 whatever the outcomes.
 */
public final class HeavyOutputCompile {

    /** One line of 2.2 GiB: past the 2 GiB that no Java array or string can hold. */
    static final long HUGE_LINE_BYTES = 2_200L << 20;
    static final int MANY_LINES = 300_000;

    private HeavyOutputCompile() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        FakeToolkit fake = FakeToolkit.create(dir);
        AtcCompiler atc = AtcCompiler.builder().toolkit(fake.toolkit()).build();
        OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE).files().get(10);

        fake.configure(Map.of("spew", Map.of("bytes", HUGE_LINE_BYTES)));
        report("huge-line", atc.compile(request(dir, file, "a")));

        fake.configure(Map.of("spew", Map.of("code", "E10025", "lines", MANY_LINES, "bytes", 64L << 20),
                "fail", Map.of("FpToFp16", "EZ9999")));
        report("many-lines", atc.compile(request(dir, file, "b")));

        long heapPeak = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        String hwm = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("VmHWM")).findFirst().orElse("VmHWM: ?").replaceAll("\\s+", " ");
        System.out.println("memory max-heap " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB, heap peak "
                + (heapPeak >> 20) + " MiB, " + hwm);
    }

    private static CompileRequest request(Path dir, OpFile file, String name) throws IOException {
        Path json = Files.write(dir.resolve(file.fileName()), file.jsonBytes());
        Path work = Files.createDirectories(dir.resolve("work-" + name));
        Path out = Files.createDirectories(dir.resolve("out-" + name));
        // A bound, so that a broken build fails the test instead of hanging it: only a hang guard, far
        // longer than the 2.2 GiB take on a busy machine (3 minutes were seen to run out at load 40).
        return new CompileRequest(file, json, out, work, "Ascend310P3", Optional.of(Duration.ofMinutes(30)),
                new Cancellation());
    }

    private static void report(String name, CompileOutcome outcome) {
        String tail = outcome instanceof CompileFailure f ? f.outputTail() : ((CompileOutcome.Compiled) outcome).outputTail();
        String kind = outcome instanceof CompileFailure f ? f.kind().toString() : "COMPILED";
        String code = outcome instanceof CompileFailure f ? f.errorCode().orElse("none") : "none";
        List<String> lines = tail.lines().toList();
        System.out.println("result " + name + " kind " + kind + " code " + code + " tail-chars " + tail.length()
                + " tail-lines " + lines.size());
        String first = lines.isEmpty() ? "" : lines.get(0);
        System.out.println("tail " + name + " first: " + first.substring(0, Math.min(120, first.length())));
        System.out.println("tail " + name + " last: " + (lines.isEmpty() ? "" : lines.get(lines.size() - 1)));
    }
}
