package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

/** When the CLI runs again with the registry's libraries ({@code lib/remote}): whenever a registry may be used. */
class RemoteClassPathTest {

    private static final Set<String> GENERATORS = Set.of("service", "aicpu", "training", "all");

    private static boolean may(Map<String, String> env, String... args) {
        return RemoteClassPath.mayUseRegistry(args, env, GENERATORS);
    }

    @Test
    void aGeneratorGivenAnyRegistryOptionOrPrefixOfOneMayUseARegistry() {
        for (String option : new String[] {"--remote", "--remote=s3://b/p", "--remote-required", "--rem", "--r",
                "--remote-timeout=3"}) {
            assertThat(may(Map.of(), "service", "-q", option)).as(option).isTrue();
        }
        assertThat(may(Map.of(), "all", "--remote", "s3://b/p")).isTrue();
    }

    @Test
    void aGeneratorRunWithTheRegistryVariableMayUseOne() {
        assertThat(may(Map.of("IVFSP_REMOTE", "s3://b/p"), "training")).isTrue();
        assertThat(may(Map.of("IVFSP_REMOTE", "  "), "training")).isFalse();
    }

    @Test
    void theRegistryCommandsMayAlwaysUseOne() {
        assertThat(may(Map.of(), "fetch")).isTrue();
        assertThat(may(Map.of(), "publish", "--help")).isTrue();
        assertThat(may(Map.of(), "doctor")).isTrue();
    }

    @Test
    void aWarmGeneratorRunAndTheOtherCommandsDoNot() {
        assertThat(may(Map.of(), "service", "--backend", "mock", "-q", "-nlist", "2048")).isFalse();
        assertThat(may(Map.of(), "verify", "--remote")).isFalse();
        assertThat(may(Map.of())).isFalse();
        assertThat(may(Map.of(), "--version")).isFalse();
    }

    @Test
    void classesOutsideAJarHaveNoRemoteLibraries() {
        // the test's own classes are a directory of class files, as in a build
        assertThat(RemoteClassPath.jars(RemoteClassPathTest.class)).isEmpty();
    }
}
