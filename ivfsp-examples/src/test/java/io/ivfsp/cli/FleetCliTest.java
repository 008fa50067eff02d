package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --remote}, {@code fetch}, {@code publish} and {@code doctor --remote} on a {@code file://} registry. */
class FleetCliTest {

    @TempDir
    Path dir;
    Path cwd;
    Path registry;
    String uri;
    FakeToolkit fake;
    CliRunner buildNode;
    CliRunner runtimeNode;

    @BeforeEach
    void setUp() throws IOException {
        fake = FakeToolkit.create(dir);
        cwd = Files.createDirectories(dir.resolve("work"));
        registry = Files.createDirectories(dir.resolve("registry"));
        uri = registry.toUri().toString();
        buildNode = new CliRunner(Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit",
                "PATH", System.getenv("PATH")), cwd, false);
        // A runtime-only node: no ATC anywhere, the registry named by the environment.
        runtimeNode = new CliRunner(Map.of("ASCEND_HOME", dir.resolve("none").toString(), "PATH", System.getenv("PATH"),
                "IVFSP_REMOTE", uri), cwd, false);
    }

    private static Set<String> models(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> p.toString().endsWith(".om")).map(p -> root.relativize(p).toString())
                    .collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void secondNodeCompilesNothingAndFetchNeedsNoToolkit() throws IOException {
        CliRunner.Result first = buildNode.run("aicpu", "-o", "node1", "--remote", uri);
        assertThat(first.exit()).as(first.err()).isZero();
        int runs = fake.runs().size();

        CliRunner.Result second = buildNode.run("aicpu", "-o", "node2", "--remote", uri);
        assertThat(second.exit()).as(second.err()).isZero();
        assertThat(fake.runs()).hasSize(runs);

        CliRunner.Result fetch = runtimeNode.run("fetch", "--sets", "aicpu", "-o", "node3", "--cann-version", "8.0.0-fake");
        assertThat(fetch.exit()).as(fetch.err()).isZero();
        assertThat(models(cwd.resolve("node3"))).isNotEmpty().isEqualTo(models(cwd.resolve("node1")));
        assertThat(cwd.resolve("node3/config")).isDirectoryContaining("glob:**/aicpu*.json");
    }

    @Test
    void fetchReadsTheCannVersionOfTheInstalledRuntime() throws IOException {
        assertThat(buildNode.run("aicpu", "-o", "node1", "--remote", uri).exit()).isZero();
        Path nnrt = Files.createDirectories(dir.resolve("runtime-home/nnrt/latest/opp"));
        Files.writeString(nnrt.resolve("version.info"), "Version=8.0.0-fake\n");
        CliRunner runtime = new CliRunner(Map.of("ASCEND_HOME", dir.resolve("runtime-home").toString(),
                "IVFSP_REMOTE", uri), cwd, false);

        CliRunner.Result fetch = runtime.run("fetch", "--sets", "aicpu", "-o", "node2");

        assertThat(fetch.exit()).as(fetch.err()).isZero();
        assertThat(models(cwd.resolve("node2"))).isNotEmpty().isEqualTo(models(cwd.resolve("node1")));
    }

    @Test
    void fetchOfAModelNobodyPublishedNamesTheConfigAndKeyAndInstallsNothing() throws IOException {
        assertThat(buildNode.run("aicpu", "-o", "node1", "--remote", uri).exit()).isZero();

        CliRunner.Result fetch = runtimeNode.run("fetch", "-o", "node2", "--cann-version", "8.0.0-fake", "-nlist", "512");

        assertThat(fetch.exit()).isEqualTo(IvfspCli.COMPILE_FAILURE);
        assertThat(fetch.err()).contains("-nlist 512").containsPattern("key [0-9a-f]{64}").contains("nothing was installed");
        assertThat(models(cwd.resolve("node2"))).isEmpty();
    }

    @Test
    void fetchWithoutAVersionOrRegistrySaysWhatToGive() {
        CliRunner noRegistry = new CliRunner(Map.of("ASCEND_HOME", dir.resolve("none").toString()), cwd, false);

        CliRunner.Result r = noRegistry.run("fetch", "-o", "x");

        assertThat(r.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(r.err()).contains("--remote").contains("IVFSP_REMOTE").contains("--cann-version");
    }

    @Test
    void publishUploadsWhatTheManifestVouchesFor() throws IOException {
        assertThat(buildNode.run("aicpu", "-o", "node1").exit()).isZero();

        CliRunner.Result publish = buildNode.run("publish", "--sets", "aicpu", "-o", "node1", "--remote", uri);
        assertThat(publish.exit()).as(publish.err()).isZero();
        assertThat(publish.out()).contains("1 model contents published");

        CliRunner.Result again = buildNode.run("publish", "--sets", "aicpu", "-o", "node1", "--remote", uri);
        assertThat(again.out()).contains("0 model contents published, 1 already there");

        CliRunner.Result fetch = runtimeNode.run("fetch", "--sets", "aicpu", "-o", "node2", "--cann-version", "8.0.0-fake");
        assertThat(fetch.exit()).as(fetch.err()).isZero();
        assertThat(models(cwd.resolve("node2"))).isEqualTo(models(cwd.resolve("node1")));
    }

    @Test
    void publishRefusesAModelChangedSinceTheManifestRecordedIt() throws IOException {
        assertThat(buildNode.run("aicpu", "-o", "node1").exit()).isZero();
        Path model = Files.walk(cwd.resolve("node1")).filter(p -> p.toString().endsWith(".om")).findFirst().orElseThrow();
        Files.writeString(model, "tampered");

        CliRunner.Result publish = buildNode.run("publish", "--sets", "aicpu", "-o", "node1", "--remote", uri);

        assertThat(publish.exit()).isEqualTo(IvfspCli.COMPILE_FAILURE);
        assertThat(publish.err()).contains("NOT PUBLISHED").contains("changed since");
        assertThat(registry.resolve("ac")).doesNotExist();
    }

    @Test
    void unreachableRegistryWarnsOnceAndCompilesUnlessRequired() {
        String down = dir.resolve("no-mount").toUri().toString();

        CliRunner.Result r = buildNode.run("aicpu", "-o", "node1", "--remote", down);
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err().lines().filter(l -> l.startsWith("WARNING"))).hasSize(1);

        CliRunner.Result required = buildNode.run("aicpu", "-o", "node2", "--remote", down, "--remote-required");
        assertThat(required.exit()).isEqualTo(IvfspCli.COMPILE_FAILURE);
        assertThat(required.err()).contains("no-mount").contains("--remote-required");
    }

    @Test
    void invalidRegistryOptionsAreReportedTogether() {
        CliRunner.Result r = buildNode.run("aicpu", "--remote", "ftp://x/y", "--remote-lease-seconds", "0",
                "--remote-retries", "99", "--remote-access-key-id", "AKIA");

        assertThat(r.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(r.err()).contains("ftp://x/y").contains("--remote-lease-seconds = 0").contains("--remote-retries")
                .contains("--remote-secret-access-key-file");
    }

    @Test
    void registryIntegersBeyondAnIntAreRefusedWithTheirRange() {
        // argparse reads any size of integer; each option says what it allows rather than failing to convert
        CliRunner.Result generate = buildNode.run("aicpu", "--remote", "s3://b/p", "--remote-retries", "99999999999",
                "--remote-timeout", "-4294967296", "--remote-lease-seconds", "1_0");
        CliRunner.Result fetch = buildNode.run("fetch", "--remote", "s3://b/p", "--remote-retries", "x");

        assertThat(generate.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(generate.err()).contains("--remote-retries = 99999999999: must be within 0..10")
                .contains("--remote-timeout = -4294967296: must be within 1..600").doesNotContain("lease");
        assertThat(fetch.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(fetch.err()).contains("--remote-retries = x: must be an integer within 0..10");
    }

    @Test
    void aRegistryOptionGivenWithoutARegistryIsStillChecked() {
        CliRunner.Result generate = buildNode.run("service", "--plan", "-q", "--remote-lease-seconds", "2147483648");
        CliRunner.Result fetch = buildNode.run("fetch", "--remote-retries=abc");

        assertThat(generate.exit()).isEqualTo(IvfspCli.INVALID);
        assertThat(generate.err()).contains("--remote-lease-seconds = 2147483648: must be within 1..3600");
        assertThat(fetch.err()).contains("--remote-retries = abc: must be an integer within 0..10");
    }

    @Test
    void secretKeyNeverAppearsInOutput() throws IOException {
        Path secretFile = Files.writeString(dir.resolve("secret"), "TOPSECRETkey1234567890\n");
        CliRunner.Result r = buildNode.run("doctor", "--remote", "s3://models/ivfsp", "--remote-endpoint",
                "http://127.0.0.1:9", "--remote-access-key-id", "AKIAEXAMPLE", "--remote-secret-access-key-file",
                secretFile.toString(), "--remote-timeout", "1", "--remote-retries", "0");

        assertThat(r.out() + r.err()).doesNotContain("TOPSECRETkey1234567890").contains("reachable: no");
    }

    @Test
    void doctorReportsTheRegistry() {
        assertThat(buildNode.run("aicpu", "-o", "node1", "--remote", uri).exit()).isZero();

        CliRunner.Result r = buildNode.run("doctor", "--remote", uri);

        assertThat(r.out()).contains("reachable: yes").contains("readable:  yes").contains("writable:  yes")
                .containsPattern("entries: +1 of [0-9]+ model contents");
    }

    @Test
    void doctorNamesTheEndpointOfTheStandardVariableButNeverItsCredentials() {
        CliRunner node = new CliRunner(Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit",
                "PATH", System.getenv("PATH"), "AWS_ENDPOINT_URL", "http://127.0.0.1:9"), cwd, false);
        CliRunner leaky = new CliRunner(Map.of("ASCEND_HOME", dir.toString(), "ASCEND_VERSION", "toolkit",
                "PATH", System.getenv("PATH"), "AWS_ENDPOINT_URL", "http://user:pAssW0rd@127.0.0.1:9"), cwd, false);

        CliRunner.Result r = node.run("doctor", "--remote", "s3://models/ivfsp", "--remote-timeout", "1",
                "--remote-retries", "0");
        CliRunner.Result bad = leaky.run("doctor", "--remote", "s3://models/ivfsp", "--remote-timeout", "1",
                "--remote-retries", "0");

        assertThat(r.out()).contains("remote:   s3://models/ivfsp (endpoint http://127.0.0.1:9 from AWS_ENDPOINT_URL")
                .contains("reachable: no");
        assertThat(bad.out() + bad.err()).contains("AWS_ENDPOINT_URL").doesNotContain("pAssW0rd");
    }

    @Test
    void doctorTellsWritableFromDeletable() throws IOException {
        CliRunner.Result r = buildNode.run("doctor", "--remote", "createonly://" + registry);

        assertThat(r.out()).contains("writable:  yes, but deleting is refused").contains("leases then expire");
        try (var s = Files.walk(registry)) {
            assertThat(s.filter(Files::isRegularFile).map(p -> registry.relativize(p).toString()))
                    .as("the probe the node could not delete").anyMatch(n -> n.startsWith("doctor/probe-"));
        }
    }
}
