package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ivfsp} launcher, copied beside stand-ins for {@code mvn} (does nothing) and {@code java}: it
 * starts Java under a UTF-8 locale when the current one is not, so that a directory such as {@code 模型-ñ}
 * keeps its name (the stand-in prints the locale and the real JVM's {@code sun.jnu.encoding}), and with
 * options a JVM accepts, {@code IVFSP_JAVA_OPTS} last (the stand-in prints its arguments).
 */
class LauncherTest {

    @TempDir
    Path dir;
    Path launcher;
    Path bin;
    Path home;

    @BeforeEach
    void setUp() throws IOException, InterruptedException {
        Path original = Path.of(System.getProperty("user.dir")).getParent().resolve("ivfsp");
        assertThat(original).as("the launcher beside the modules").isRegularFile();
        launcher = Files.copy(original, dir.resolve("ivfsp"));
        bin = Files.createDirectories(dir.resolve("bin"));
        script(bin.resolve("mvn"), "exit 0");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        script(bin.resolve("java"), "env | grep -E '^(LC_|LANG=)' | sort\n"
                + "exec '" + java + "' -XshowSettings:properties -version 2>&1 | grep sun.jnu.encoding");
        home = Files.createDirectories(dir.resolve("模型-ñ"));
    }

    private static void script(Path p, String body) throws IOException {
        // never held open for writing by this JVM, whose other threads start processes: see installExecutable
        io.ivfsp.testing.FakeToolkit.installExecutable(p, ("#!/bin/sh\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private static boolean utf8LocaleInstalled() throws IOException, InterruptedException {
        Waits.Finished r = Waits.run(new ProcessBuilder("sh", "-c", "LC_ALL=C.UTF-8 locale charmap"));
        return r.exit() == 0 && r.out().trim().equals("UTF-8");
    }

    private String launch(Map<String, String> locale) throws IOException, InterruptedException {
        assumeTrue(utf8LocaleInstalled(), "no C.UTF-8 locale on this machine");
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString()).directory(home.toFile())
                .redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.equals("LANGUAGE"));
        env.putAll(locale);
        env.put("PATH", bin + ":/usr/bin:/bin");
        return Waits.run(pb).out();
    }

    @Test
    void posixLocaleIsReplacedByAUtf8One() throws Exception {
        for (Map<String, String> locale : List.of(Map.of("LC_ALL", "C"), Map.of("LANG", "C"), Map.of("LC_ALL", "POSIX"),
                Map.<String, String>of(), Map.of("LANG", "xx_NOWHERE.UTF-8"))) {
            assertThat(launch(locale)).as(locale.toString()).contains("sun.jnu.encoding = UTF-8");
        }
    }

    @Test
    void aUtf8LocaleIsLeftAlone() throws Exception {
        String out = launch(Map.of("LC_ALL", "C.UTF-8", "LANG", "C"));

        assertThat(out.lines()).contains("LANG=C", "LC_ALL=C.UTF-8", "    sun.jnu.encoding = UTF-8");
    }

    /** The options the launcher gives {@code java}, with {@code env} added to its environment. */
    private List<String> jvmOptions(Map<String, String> env) throws IOException, InterruptedException {
        script(bin.resolve("java"), "for a in \"$@\"; do [ \"$a\" = -cp ] && exit 0; echo \"$a\"; done");
        ProcessBuilder pb = new ProcessBuilder("sh", launcher.toString(), "--version").directory(dir.toFile())
                .redirectErrorStream(true);
        pb.environment().remove("IVFSP_JAVA_OPTS");
        JVM_OPTION_VARIABLES.forEach(pb.environment()::remove);
        pb.environment().putAll(env);
        pb.environment().put("PATH", bin + ":/usr/bin:/bin");
        Waits.Finished r = Waits.run(pb);
        assertThat(r.exit()).as(r.out()).isZero();
        return r.out().lines().filter(l -> l.startsWith("-")).toList();
    }

    /** Whether the real JVM starts with these options. */
    private static Waits.Finished realJvm(List<String> options) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(options);
        cmd.add("-version");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        JVM_OPTION_VARIABLES.forEach(pb.environment()::remove);  // only the launcher's options are judged
        return Waits.run(pb);
    }

    /** Variables through which the environment adds options to every JVM. */
    private static final List<String> JVM_OPTION_VARIABLES = List.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS", "_JAVA_OPTIONS");

    @Test
    void aShortRunGetsOneClientCompilerThreadAndTheJvmAcceptsTheOptions() throws Exception {
        List<String> options = jvmOptions(Map.of());

        // G1 named: JDK 17 maps the archived heap (the module graph among it) with G1 only, and chooses the
        // serial collector itself on a machine with one CPU or less than 1792 MB
        assertThat(options).contains("-XX:TieredStopAtLevel=1", "-XX:CICompilerCount=1", "-XX:+UseG1GC",
                "-XX:-UsePerfData");
        Waits.Finished jvm = realJvm(options);
        assertThat(jvm.exit()).as(jvm.out()).isZero();
    }

    @Test
    void ivfspJavaOptsComeLastAndATieredChoiceKeepsTheJvmStartable() throws Exception {
        for (String own : List.of("-XX:TieredStopAtLevel=4", "-XX:+TieredCompilation -XX:TieredStopAtLevel=4",
                "-XX:CICompilerCount=3", "-Xmx256m -XX:TieredStopAtLevel=4")) {
            List<String> options = jvmOptions(Map.of("IVFSP_JAVA_OPTS", own));

            assertThat(options).as(own).doesNotContain("-XX:CICompilerCount=1")
                    .endsWith(own.split(" "));
            Waits.Finished jvm = realJvm(options);
            assertThat(jvm.exit()).as(own + ": " + jvm.out()).isZero();
        }
        List<String> other = jvmOptions(Map.of("IVFSP_JAVA_OPTS", "-Xmx256m"));
        assertThat(other).as("an option of another kind keeps one compiler thread")
                .contains("-XX:CICompilerCount=1").endsWith("-Xmx256m");
    }

    @Test
    void ivfspJavaOptsAreWordsNeverFileNamesAndOnlyACollectorOptionDropsG1() throws Exception {
        Files.writeString(dir.resolve("-Dx=a"), "a file whose name the pattern would match");

        List<String> options = jvmOptions(Map.of("IVFSP_JAVA_OPTS", "-Dx=* -XX:+UseLargePages -XX:ParallelGCThreads=2"));

        assertThat(options).contains("-XX:+UseG1GC").endsWith("-Dx=*", "-XX:+UseLargePages", "-XX:ParallelGCThreads=2");
    }

    @Test
    void aCollectorChosenInIvfspJavaOptsIsTheOnlyOneTheJvmGets() throws Exception {
        for (String own : List.of("-XX:+UseParallelGC", "-XX:+UseSerialGC", "-Xmx256m -XX:+UseZGC")) {
            List<String> options = jvmOptions(Map.of("IVFSP_JAVA_OPTS", own));

            assertThat(options).as(own).doesNotContain("-XX:+UseG1GC").endsWith(own.split(" "));
            Waits.Finished jvm = realJvm(options);
            assertThat(jvm.exit()).as(own + ": " + jvm.out()).isZero();
        }
    }
}
