package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the {@code ivfsp} launcher does before it starts Java, in a tree of its own (the launcher copied
 * beside a jar and a library directory) with a stand-in {@code java} in a JDK-like directory (with a
 * {@code lib/server/libjvm.so}), reached through a link on {@code PATH}, that records its working directory
 * and arguments; alone on {@code PATH}, wrappers log every other program the launcher starts. Each process
 * costs a warm run a few milliseconds, more on a busy machine: once the archive's key is recorded, a run
 * starts {@code find} (is the jar older than its sources?), {@code readlink} (which JVM is that java?), one
 * {@code stat} (the key) and Java, and nothing else.
 */
class LauncherWarmPathTest {

    /** The programs the launcher may start, each wrapped to log its name. */
    private static final List<String> PROGRAMS = List.of("stat", "find", "readlink", "locale", "mktemp", "rm",
            "dirname", "cat", "head", "sed", "grep", "env", "sleep");

    @TempDir
    Path dir;
    Path tree;
    Path bin;
    Path log;
    Path args;
    Path jdk;

    @BeforeEach
    void setUp() throws IOException {
        dir = dir.toRealPath();
        tree = Files.createDirectories(dir.resolve("tree"));
        Path target = Files.createDirectories(tree.resolve("ivfsp-examples").resolve("target"));
        Files.writeString(target.resolve("ivfsp-cli.jar"), "jar");
        Files.writeString(Files.createDirectories(target.resolve("lib")).resolve("core.jar"), "lib");
        Path original = Path.of(System.getProperty("user.dir")).getParent().resolve("ivfsp");
        Files.copy(original, tree.resolve("ivfsp"));
        bin = Files.createDirectories(dir.resolve("bin"));
        log = dir.resolve("started.log");
        args = dir.resolve("java-args.txt");
        for (String program : PROGRAMS) {
            Optional<Path> real = realProgram(program);
            if (real.isPresent()) {
                script(bin.resolve(program), "echo " + program + " >>'" + log + "'\nexec '" + real.get() + "' \"$@\"");
            }
        }
        mvWrapper("");
        jdk = dir.resolve("jdk");
        Files.writeString(Files.createDirectories(jdk.resolve("lib").resolve("server")).resolve("libjvm.so"), "jvm 1");
        Files.writeString(jdk.resolve("lib").resolve("server").resolve("classes.jsa"), "the JDK's own archive");
        Files.createDirectories(jdk.resolve("bin"));
        javaStandIn("");
        Files.createSymbolicLink(bin.resolve("java"), jdk.resolve("bin").resolve("java"));
    }

    /** The real program of this name, in /usr/bin or /bin. */
    private static Optional<Path> realProgram(String name) {
        return Stream.of("/usr/bin/", "/bin/").map(d -> Path.of(d + name)).filter(Files::isExecutable).findFirst();
    }

    /** mv, logged, then {@code after} (a shell command line). */
    private void mvWrapper(String after) throws IOException {
        script(bin.resolve("mv"), "echo mv >>'" + log + "'\n'" + realProgram("mv").orElseThrow() + "' \"$@\" || exit\n"
                + after);
    }

    /** A stand-in java's first lines: it logs itself and records where and how it ran. */
    private String recordingJava() {
        return "echo java >>'" + log + "'\n{ pwd; for a in \"$@\"; do echo \"$a\"; done; } >'" + args + "'\n";
    }

    /** The stand-in java: records its run, and "writes" an archive when asked to. */
    private void javaStandIn(String extra) throws IOException {
        script(jdk.resolve("bin").resolve("java"), recordingJava()
                + "for a in \"$@\"; do case $a in -XX:ArchiveClassesAtExit=*) echo archive >\"${a#*=}\" ;; esac; done\n"
                + extra);
    }

    private static void script(Path p, String body) throws IOException {
        FakeToolkit.installExecutable(p, ("#!/bin/sh\n" + body + "\n").getBytes(StandardCharsets.UTF_8));
    }

    private Path archive() {
        return tree.resolve("ivfsp-examples").resolve("target").resolve("ivfsp-cli.jsa");
    }

    /** Runs {@code command} in {@code cwd} under C.UTF-8; returns the programs it started, in order. */
    private List<String> launch(Path cwd, String... command) throws IOException, InterruptedException {
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG") || k.startsWith("IVFSP_")
                || k.endsWith("JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("TMPDIR", Files.createDirectories(dir.resolve("tmp")).toString());
        Waits.Finished r = Waits.run(pb);
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).isEmpty();
        return Files.exists(log) ? Files.readAllLines(log) : List.of();
    }

    /** The stand-in java's working directory and arguments, from its last run. */
    private List<String> javaRun() throws IOException {
        return Files.readAllLines(args);
    }

    private static boolean cUtf8Installed() {
        return Files.isRegularFile(Path.of("/usr/lib/locale/C.utf8/LC_CTYPE"));
    }

    @Test
    void onceTheArchiveIsMadeARunStartsFindReadlinkOneStatAndJava() throws Exception {
        assumeTrue(cUtf8Installed(), "C.UTF-8 is not where glibc keeps it: the launcher asks `locale`");
        List<String> first = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        assertThat(first).as("the archive is made by two runs of java").containsSubsequence("mktemp", "java", "java")
                .endsWith("java");
        assertThat(archive()).hasContent("archive");

        List<String> warm = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(warm).containsExactly("find", "readlink", "stat", "java");
        assertThat(javaRun()).contains("-XX:SharedArchiveFile=" + archive()).endsWith("service", "-q");
    }

    @Test
    void withoutAnArchiveARunStillStartsOnlyFindReadlinkStatAndJava() throws Exception {
        assumeTrue(cUtf8Installed(), "C.UTF-8 is not where glibc keeps it: the launcher asks `locale`");
        // a java that writes no archive: the dump failed
        script(jdk.resolve("bin").resolve("java"), recordingJava());
        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        assertThat(archive()).doesNotExist();

        List<String> warm = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(warm).as("one attempt per build, not one per run").containsExactly("find", "readlink", "stat", "java");
        assertThat(javaRun()).noneMatch(a -> a.contains("SharedArchiveFile"));
    }

    @Test
    void anotherJavaOrAnotherJvmLibraryMakesTheArchiveAgain() throws Exception {
        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        assertThat(archive()).hasContent("archive");
        for (String change : List.of("java", "libjvm.so", "classes.jsa")) {
            if (change.equals("java")) {
                javaStandIn("# another build of the JDK, replaced in place");
            } else if (change.equals("libjvm.so")) {
                Files.writeString(jdk.resolve("lib").resolve("server").resolve("libjvm.so"), "jvm 2, a HotSpot of one's own");
            } else {
                Files.writeString(jdk.resolve("lib").resolve("server").resolve("classes.jsa"), "after java -Xshare:dump");
            }

            List<String> afterUpdate = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

            assertThat(afterUpdate).as(change).containsSubsequence("mktemp", "java", "java");
            assertThat(archive()).as(change).hasContent("archive");
            assertThat(launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q")).as(change)
                    .doesNotContain("mktemp");
        }
    }

    /**
     * A version manager's shim (jenv, asdf, mise) is a script that picks a JDK from the environment or the
     * directory: nothing beside it says which JVM runs, so it gets no archive, never one made by another JDK.
     */
    @Test
    void aJavaWithoutALibjvmBesideItGetsNoArchive() throws Exception {
        Files.delete(bin.resolve("java"));
        script(bin.resolve("java"), "exec '" + jdk.resolve("bin").resolve("java") + "' \"$@\"");  // (which records the run)

        List<String> first = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        List<String> second = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(first).doesNotContain("mktemp");
        assertThat(second).doesNotContain("mktemp");
        assertThat(archive()).doesNotExist();
        assertThat(javaRun()).noneMatch(a -> a.contains("SharedArchiveFile"));
    }

    /** Another run's archive, moved in just after this run moved its own, is not recorded as this run's. */
    @Test
    void anArchiveMovedInByAnotherRunIsNeverMappedUnderThisRunsKey() throws Exception {
        mvWrapper("case $2 in *.tmp) ;; *) exit 0 ;; esac\ncase $3 in *.jsa) echo foreign >\"$3.other\"; '"
                + realProgram("mv").orElseThrow() + "' -f \"$3.other\" \"$3\" ;; esac");
        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        assertThat(archive()).hasContent("foreign\n");
        mvWrapper("");

        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(javaRun()).contains("-XX:SharedArchiveFile=" + archive());
        assertThat(archive()).as("made again, not mapped").hasContent("archive");
    }

    /** A link in the archive's place is not followed: it is replaced by an archive made again. */
    @Test
    void aLinkInTheArchivesPlaceIsNotMapped() throws Exception {
        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        Path elsewhere = Files.move(archive(), dir.resolve("elsewhere.jsa"));
        Files.createSymbolicLink(archive(), elsewhere);

        List<String> run = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(run).contains("mktemp");
        assertThat(archive()).isRegularFile().hasContent("archive");
        assertThat(Files.isSymbolicLink(archive())).isFalse();
        assertThat(elsewhere).hasContent("archive");
    }

    /** A key file larger than any the launcher writes (not read: the shell reads byte by byte) is replaced. */
    @Test
    void anOversizedKeyFileIsReplaced() throws Exception {
        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        Path key = archive().resolveSibling("ivfsp-cli.jsa.key");
        String good = Files.readString(key);
        Files.writeString(key, good + "x".repeat(70_000));

        List<String> run = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(run).contains("mktemp");
        assertThat(Files.size(key)).isLessThan(65_536);
        assertThat(javaRun()).contains("-XX:SharedArchiveFile=" + archive());
    }

    /** $0 in every form a user or a script may give it: the tree is found, and Java runs where the user is. */
    @Test
    void theTreeIsFoundFromEveryFormOfItsPathAndJavaRunsInTheCallersDirectory() throws Exception {
        Path work = Files.createDirectories(dir.resolve("work"));
        String cp = tree + "/ivfsp-examples/target/ivfsp-cli.jar:" + tree + "/ivfsp-examples/target/lib/*";
        List<List<String>> forms = List.of(
                List.of(dir.toString(), "sh", tree + "/ivfsp"),
                List.of(dir.toString(), "sh", tree + "/./ivfsp"),
                List.of(dir.toString(), "sh", dir + "//tree/ivfsp"),
                List.of(dir.toString(), "sh", dir + "/work/../tree/ivfsp"),
                List.of(dir.toString(), "sh", "tree/ivfsp"),
                List.of(dir.toString(), "sh", "./tree/ivfsp"),
                List.of(work.toString(), "sh", "../tree/ivfsp"),
                List.of(tree.toString(), "sh", "ivfsp"),
                List.of(tree.toString(), "sh", "./ivfsp"));
        for (List<String> form : forms) {
            launch(Path.of(form.get(0)), form.subList(1, form.size()).toArray(String[]::new));
            List<String> run = javaRun();
            assertThat(run.get(0)).as(form.toString()).isEqualTo(form.get(0));
            assertThat(run).as(form.toString()).containsSubsequence("-cp", cp);
        }
    }

    @Test
    void aLocaleThatOneCategoryBreaksIsNotTakenForUtf8() throws Exception {
        javaStandIn("env | grep -E '^(LC_|LANG=)' | sort >>'" + args + "'");
        List<String> envs = new ArrayList<>();
        for (String broken : List.of("LC_MESSAGES=xx_NOWHERE.UTF-8", "LC_CTYPE=xx_NOWHERE.UTF-8", "LANG=xx_NOWHERE.UTF-8")) {
            Files.deleteIfExists(log);
            ProcessBuilder pb = new ProcessBuilder("sh", tree.resolve("ivfsp").toString(), "--version")
                    .directory(dir.toFile()).redirectErrorStream(true);
            pb.environment().keySet().removeIf(k -> k.startsWith("LC_") || k.equals("LANG"));
            pb.environment().put("LANG", "C.UTF-8");
            String[] kv = broken.split("=", 2);
            pb.environment().put(kv[0], kv[1]);
            pb.environment().put("PATH", bin + ":/usr/bin:/bin");
            Waits.Finished r = Waits.run(pb);
            assertThat(r.exit()).as(r.out()).isZero();
            envs.add(broken + " -> " + javaRun().stream().filter(l -> l.startsWith("LC_ALL=")).findFirst().orElse("none"));
        }

        assertThat(envs).allMatch(e -> e.endsWith("-> LC_ALL=C.UTF-8") || e.endsWith("-> LC_ALL=C.utf8"));
    }
    /** Without readlink (or with one that has no -f) there is no key: the run goes on without an archive, silently. */
    @Test
    void withoutReadlinkTheRunGoesOnWithoutAnArchiveAndSaysNothing() throws Exception {
        Files.delete(bin.resolve("readlink"));

        launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");  // (asserts no output)
        List<String> second = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(second).doesNotContain("mktemp");
        assertThat(archive()).doesNotExist();
        assertThat(javaRun()).noneMatch(a -> a.contains("SharedArchiveFile")).endsWith("service", "-q");
    }

    /** A key too large to be read back (hundreds of libraries) is not made at every run: no archive is made at all. */
    @Test
    void aKeyTooLargeToReadBackMakesNoArchiveRatherThanOneAtEveryRun() throws Exception {
        Path lib = tree.resolve("ivfsp-examples").resolve("target").resolve("lib");
        for (int i = 0; i < 600; i++) {
            Files.writeString(lib.resolve("library-with-a-typical-maven-name-" + i + "-1.2.3.jar"), "lib " + i);
        }

        List<String> first = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");
        List<String> second = launch(dir, "sh", tree.resolve("ivfsp").toString(), "service", "-q");

        assertThat(first).doesNotContain("mktemp");
        assertThat(second).doesNotContain("mktemp");
        assertThat(javaRun()).noneMatch(a -> a.contains("SharedArchiveFile")).endsWith("service", "-q");
    }

    /** A tree whose path holds a newline: its archive is made once and then used. */
    @Test
    void aTreeWhosePathHoldsANewlineMakesItsArchiveOnceAndUsesIt() throws Exception {
        Path odd = Files.move(tree, dir.resolve("a\ntree"));
        tree = odd;

        List<String> first = launch(dir, "sh", odd.resolve("ivfsp").toString(), "service", "-q");
        List<String> second = launch(dir, "sh", odd.resolve("ivfsp").toString(), "service", "-q");

        assertThat(first).contains("mktemp");
        assertThat(second).doesNotContain("mktemp");
        // (the stand-in writes one argument a line: this one spans two)
        assertThat(String.join("\n", javaRun())).contains("\n-XX:SharedArchiveFile=" + archive() + "\n");
    }
}
