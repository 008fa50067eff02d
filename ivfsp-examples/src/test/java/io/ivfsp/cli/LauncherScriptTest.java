package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.FakeToolkit;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ivfsp} launcher at the repository root, run as a user runs it, against the ATC-like
 * fixture. The module makes the CLI jar and its lib/ before its tests (see its pom), so the launcher
 * finds them up to date. The tests run side by side: those that replace the launcher's class-data
 * archive run a copy of the launcher in a tree of their own, whose jar and libraries are links to the
 * build's.
 */
@Execution(ExecutionMode.CONCURRENT)
class LauncherScriptTest {

    @TempDir
    Path dir;

    /**
     * Held by the tests that run the repository's launcher: the first run after a build makes its archive,
     * and the others, one after another, use it instead of each making it at the same time.
     */
    private static final String REPOSITORY_LAUNCHER = "the repository's ./ivfsp";

    /** The launcher run, by default the repository's. */
    private Path launcher = repositoryLauncher();

    private static Path repositoryLauncher() {
        return Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent().resolve("ivfsp");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return runAs(List.of(launcher.toString()), cwd, env, args);
    }

    /** Runs the launcher as {@code invocation} (say {@code sh ivfsp}) in {@code cwd}. */
    private Run runAs(List<String> invocation, Path cwd, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(invocation);
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(dir.resolve("out.txt").toFile()).redirectError(dir.resolve("err.txt").toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        return new Run(Waits.exit(p), Files.readString(dir.resolve("out.txt"), StandardCharsets.UTF_8),
                Files.readString(dir.resolve("err.txt"), StandardCharsets.UTF_8));
    }

    @Test
    @ResourceLock(REPOSITORY_LAUNCHER)
    void allCompilesEveryModelWithTheToolkitOfTheEnvironment() throws Exception {
        FakeToolkit fake = FakeToolkit.create(dir);
        Path cwd = Files.createDirectories(dir.resolve("work"));

        Run r = run(cwd, Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit"), "all", "--no-batch");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).doesNotContain("\033").doesNotContain("\r");
        assertThat(r.out()).contains("45 of 45 models generated (45 compiled, 0 reused), 0 jobs failed")
                .contains("backend atc");
        assertThat(fake.runs()).hasSize(32);  // one ATC call per JSON file, as the scripts make them
        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("config", "op_models",
                    "op_models_pyacl", ".ivfsp-locks");
        }
    }

    // The launcher's class-data archive (AppCDS), next to the jar. These tests replace it, and the
    // launcher makes it again: it is a speed-up that no run may depend on. Each test has a launcher tree
    // of its own, so that they can run side by side: the launcher script copied, with links to the jar
    // and the library directory the build made.

    /** Runs a copy of the launcher in a tree of this test's, without an archive yet. */
    private void useOwnLauncherTree() throws IOException {
        useOwnLauncherTree("tree");
    }

    /** {@link #useOwnLauncherTree()} in a directory of this name. */
    private void useOwnLauncherTree(String name) throws IOException {
        Path repository = repositoryLauncher().getParent();
        Path built = repository.resolve("ivfsp-examples").resolve("target");
        Path tree = dir.resolve(name);
        Path target = Files.createDirectories(tree.resolve("ivfsp-examples").resolve("target"));
        Files.createSymbolicLink(target.resolve("ivfsp-cli.jar"), built.resolve("ivfsp-cli.jar"));
        Files.createSymbolicLink(target.resolve("lib"), built.resolve("lib"));
        launcher = Files.copy(repositoryLauncher(), tree.resolve("ivfsp"), StandardCopyOption.COPY_ATTRIBUTES);
    }

    private Path archive() {
        return launcher.resolveSibling("ivfsp-examples").resolve("target").resolve("ivfsp-cli.jsa");
    }

    /** A warm {@code service} run on the mock backend; returns the JVM's class-loading log of the run. */
    private String warmService(Path cwd) throws Exception {
        Path log = dir.resolve("classes.txt");
        Files.deleteIfExists(log);
        // JAVA_TOOL_OPTIONS, not IVFSP_JAVA_OPTS: the launcher's options are part of the archive's key
        Run r = run(cwd, Map.of("JAVA_TOOL_OPTIONS", "-Xlog:class+load=info,cds=info:file=" + log), "service", "--backend",
                "mock", "-q");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        String err = r.err().lines().filter(l -> !l.startsWith("Picked up JAVA_TOOL_OPTIONS: ")).toList().toString();
        assertThat(err).doesNotContain("warning").doesNotContain("error").doesNotContain("cds");
        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s.map(p -> p.getFileName().toString())).as("no JVM crash report")
                    .noneMatch(n -> n.startsWith("hs_err"));
        }
        try (Stream<Path> s = Files.list(cwd.resolve("op_models"))) {
            assertThat(s).isNotEmpty();
        }
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    private static String cliClassSource(String classLog) {
        return classLog.lines().filter(l -> l.contains(" io.ivfsp.cli.IvfspCli source: ")).findFirst()
                .orElseThrow(() -> new AssertionError("IvfspCli not in the class log:\n" + classLog));
    }

    @Test
    void aMissingArchiveIsMadeOnceAndThenUsed() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();

        warmService(cwd);   // makes the archive, then compiles the mock models
        assertThat(archive()).isRegularFile();
        FileTime made = Files.getLastModifiedTime(archive());
        String classes = warmService(cwd);

        assertThat(cliClassSource(classes)).contains("shared objects file (top)");
        assertThat(Files.getLastModifiedTime(archive())).as("made again").isEqualTo(made);
        // the JDK's archived heap is mapped too (JDK 17: with G1 only), so the module system is not built again
        assertThat(classes).contains("full module graph: enabled");
    }

    @Test
    void aTruncatedArchiveIsNeverMappedAndIsMadeAgain() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();
        warmService(cwd);
        byte[] whole = Files.readAllBytes(archive());
        archive().toFile().setWritable(true);
        // HotSpot 17 dies of SIGBUS when it maps a truncated archive
        Files.write(archive(), Arrays.copyOf(whole, whole.length / 2));

        String classes = warmService(cwd);

        assertThat(cliClassSource(classes)).contains("shared objects file (top)");
        assertThat(Files.size(archive())).isGreaterThan(whole.length / 2);
    }

    @Test
    void aDamagedArchiveThatLooksUnchangedIsRefusedByTheJvmAndTheRunGoesOn() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();
        warmService(cwd);
        FileTime time = Files.getLastModifiedTime(archive());
        byte[] bytes = Files.readAllBytes(archive());
        Arrays.fill(bytes, 0, 4096, (byte) 0x5a);   // the header: same size, same time, so the launcher maps it
        archive().toFile().setWritable(true);
        Files.write(archive(), bytes);
        Files.setLastModifiedTime(archive(), time);

        String classes = warmService(cwd);

        assertThat(cliClassSource(classes)).doesNotContain("shared objects file");
    }

    @Test
    void anArchiveThatCannotBeWrittenCostsOneAttemptAndNeverFailsTheRun() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();
        // a directory where the archive goes: the dump cannot land there (and root ignores permissions)
        Files.createDirectory(archive());
        String first = warmService(cwd);
        FileTime key = Files.getLastModifiedTime(archive().resolveSibling("ivfsp-cli.jsa.key"));
        String second = warmService(cwd);

        assertThat(cliClassSource(first)).doesNotContain("shared objects file");
        assertThat(cliClassSource(second)).doesNotContain("shared objects file");
        assertThat(archive()).isEmptyDirectory();
        assertThat(Files.getLastModifiedTime(archive().resolveSibling("ivfsp-cli.jsa.key")))
                .as("no second attempt").isEqualTo(key);
    }

    @Test
    void anArchiveThatCannotBeMadeAgainForNewInputsIsRemovedNotMapped() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();
        warmService(cwd);
        assertThat(archive()).isRegularFile();

        // other options make another key; without a scratch directory the archive cannot be made for it
        Run r = run(cwd, Map.of("IVFSP_JAVA_OPTS", "-Xss2m", "TMPDIR", dir.resolve("missing").toString()),
                "service", "--backend", "mock", "-q");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEmpty();
        assertThat(archive()).as("the archive of the former key").doesNotExist();
        assertThat(Files.readString(archive().resolveSibling("ivfsp-cli.jsa.key"))).contains("options ")
                .contains("-Xss2m").endsWith("archive none\n");
    }

    @Test
    void theArchiveIsMadeWhateverTheJvmOptionsOfTheEnvironment() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));
        useOwnLauncherTree();

        // options that would keep the two runs that make the archive from writing it
        Run r = run(cwd, Map.of("JAVA_TOOL_OPTIONS", "-Xshare:off", "JDK_JAVA_OPTIONS", "-Xshare:off",
                        "_JAVA_OPTIONS", "-Xshare:off"),
                "service", "--backend", "mock", "-q");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).isEmpty();
        assertThat(archive()).isRegularFile();
        assertThat(cliClassSource(warmService(cwd))).contains("shared objects file (top)");
    }

    /** The launcher finds its tree from $0 however it is started: by a relative path, or given to sh. */
    @Test
    void theLauncherFindsItsTreeFromARelativePathOrThroughSh() throws Exception {
        useOwnLauncherTree("a tree -with spaces");
        Path tree = launcher.getParent();

        Run dotSlash = runAs(List.of("./ivfsp"), tree, Map.of(), "service", "--backend", "mock", "-q");
        Run throughSh = runAs(List.of("sh", "ivfsp"), tree, Map.of(), "service", "--backend", "mock", "-q");
        Run fromBelow = runAs(List.of("sh", "../ivfsp"), Files.createDirectories(tree.resolve("work")), Map.of(),
                "service", "--backend", "mock", "-q");

        for (Run r : List.of(dotSlash, throughSh, fromBelow)) {
            assertThat(r.exit()).as(r.err()).isZero();
            assertThat(r.out()).isEmpty();
            assertThat(r.err()).isEmpty();
        }
        assertThat(archive()).as("made beside the jar of the tree the launcher is in").isRegularFile();
        assertThat(tree.resolve("op_models")).isDirectory();
        assertThat(tree.resolve("work").resolve("op_models")).isDirectory();
    }

    @Test
    @ResourceLock(REPOSITORY_LAUNCHER)
    void withoutAToolkitItExitsOneAndSuggestsPlan() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("work"));

        Run r = run(cwd, Map.of("ASCEND_HOME", dir.resolve("none").toString()), "service");

        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("ATC not found").contains("--plan").doesNotContain("\033");
    }

    @Test
    @ResourceLock(REPOSITORY_LAUNCHER)
    void anS3RegistryIsFoundThoughTheAwsSdkIsOffTheClassPathOfRunsWithoutOne() throws Exception {
        Path cwd = Files.createDirectories(dir.resolve("remote"));
        Path lib = launcher.resolveSibling("ivfsp-examples").resolve("target").resolve("lib");
        Map<String, String> env = Map.of("ASCEND_HOME", dir.resolve("none").toString());

        Run named = run(cwd, env, "service", "--plan", "-q", "--remote=s3://models-bucket/ivfsp");
        Run fromEnvironment = run(cwd, Map.of("ASCEND_HOME", dir.resolve("none").toString(),
                "IVFSP_REMOTE", "s3://models-bucket/ivfsp"), "aicpu", "--plan", "-q");
        Run unknownScheme = run(cwd, env, "service", "--plan", "-q", "--remote", "gs://models-bucket/ivfsp");

        assertThat(named.exit()).as(named.err()).isZero();
        assertThat(fromEnvironment.exit()).as(fromEnvironment.err()).isZero();
        assertThat(unknownScheme.exit()).isEqualTo(2);
        assertThat(unknownScheme.err()).contains("available: ").contains("s3://");
        try (Stream<Path> onClassPath = Files.list(lib); Stream<Path> remote = Files.list(lib.resolve("remote"))) {
            assertThat(onClassPath.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("s3-") || n.startsWith("sdk-core") || n.startsWith("ivfsp-remote-s3"));
            assertThat(remote.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("s3-"))
                    .anyMatch(n -> n.startsWith("ivfsp-remote-s3"));
        }
    }
}
