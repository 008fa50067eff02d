package io.ivfsp.atc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.ivfsp.compile.OpCompilers;
import io.ivfsp.testing.FakeToolkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtcToolkitTest {

    @TempDir
    Path dir;
    FakeToolkit fake;

    @BeforeEach
    void setUp() {
        fake = FakeToolkit.create(dir.resolve("first"));
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    @Test
    void identity_aReinstallOfTheSameToolkitElsewhereKeepsIt() throws IOException {
        Path elsewhere = dir.resolve("elsewhere");
        copyTree(fake.home(), elsewhere);

        assertThat(AtcToolkit.at(elsewhere).identity()).isEqualTo(fake.toolkit().identity());
    }

    @Test
    void identity_changesWithTheOperatorPackageVersion() throws IOException {
        String before = fake.toolkit().identity();
        Files.writeString(fake.home().resolve("opp/version.info"), "Version=8.0.1-fake\n");

        assertThat(fake.toolkit().identity()).isNotEqualTo(before);
    }

    @Test
    void identity_changesWithTheAtcProgram() throws IOException {
        String before = fake.toolkit().identity();
        Files.writeString(fake.home().resolve("bin/atc"), "\n# patched\n", java.nio.file.StandardOpenOption.APPEND);

        assertThat(fake.toolkit().identity()).isNotEqualTo(before);
    }

    @Test
    void identity_aMissingVersionFileIsPartOfIt() throws IOException {
        String before = fake.toolkit().identity();
        Files.delete(fake.home().resolve("opp/version.info"));

        assertThat(fake.toolkit().identity()).isNotEqualTo(before).startsWith("opp=missing;atc=");
        assertThat(fake.toolkit().oppVersionInfo()).isEmpty();
    }

    @Test
    void compilerCacheIdentityIsTheToolkitsAndFollowsAnUpgrade() throws IOException {
        AtcCompiler before = AtcCompiler.builder().toolkit(fake.toolkit()).build();
        assertThat(before.cacheIdentity()).isEqualTo("atc/" + fake.toolkit().identity());
        assertThat(before.name()).isEqualTo("atc");
        assertThat(before.isSimulated()).isFalse();

        Files.writeString(fake.home().resolve("opp/version.info"), "Version=9.0.0-fake\n");

        assertThat(AtcCompiler.builder().toolkit(fake.toolkit()).build().cacheIdentity())
                .isNotEqualTo(before.cacheIdentity());
    }

    @Test
    void hasAtc_onlyForAnExecutableFile() throws IOException {
        Path atc = fake.home().resolve("bin/atc");
        assertThat(fake.toolkit().hasAtc()).isTrue();

        Files.setPosixFilePermissions(atc, PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(fake.toolkit().hasAtc()).isFalse();

        Files.delete(atc);
        Files.createDirectory(atc);
        assertThat(fake.toolkit().hasAtc()).isFalse();
        assertThatThrownBy(() -> fake.toolkit().requireAtc()).isInstanceOf(ToolkitNotFoundException.class)
                .hasMessageContaining("no executable " + atc + " (toolkit given explicitly)");
    }

    @Test
    void requireAtc_returnsTheToolkitWhenAtcIsThere() {
        AtcToolkit toolkit = fake.toolkit();

        assertThat(toolkit.requireAtc()).isSameAs(toolkit);
        assertThat(toolkit.atc()).isEqualTo(fake.home().resolve("bin/atc"));
        assertThat(toolkit.opp()).isEqualTo(fake.home().resolve("opp"));
    }

    @Test
    void discover_blankVariablesCountAsUnsetAndTheOriginSaysSo() {
        AtcToolkit t = AtcToolkit.discover(Map.of("ASCEND_HOME", " ", "ASCEND_VERSION", ""));

        assertThat(t.home()).isEqualTo(Path.of("/usr/local/Ascend/ascend-toolkit/latest"));
        assertThat(t.origin()).isEqualTo("ASCEND_HOME=(unset, default /usr/local/Ascend),"
                + " ASCEND_VERSION=(unset, default ascend-toolkit/latest)");
        assertThat(AtcToolkit.discover(Map.of("ASCEND_HOME", "/opt/a", "ASCEND_VERSION", "v8")).origin())
                .isEqualTo("ASCEND_HOME=/opt/a, ASCEND_VERSION=v8");
    }

    @Test
    void builder_discoversTheToolkitFromTheEnvironmentItIsGiven() {
        Path home = fake.home();
        AtcCompiler atc = AtcCompiler.builder()
                .baseEnvironment(Map.of("ASCEND_HOME", home.getParent().toString(),
                        "ASCEND_VERSION", home.getFileName().toString()))
                .build();

        assertThat(atc.toolkit().home()).isEqualTo(home);
    }

    @Test
    void builder_tailLinesMustBePositive() {
        assertThatThrownBy(() -> AtcCompiler.builder().tailLines(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tail lines must be positive: 0");
        assertThat(AtcCompiler.builder().tailLines(1)).isNotNull();
    }

    @Test
    void childEnvironment_anEmptySearchPathBecomesTheToolkitsDirectoryAlone() {
        Map<String, String> env = fake.toolkit().childEnvironment(Map.of("PATH", "", "KEEP", "me"));

        assertThat(env).containsEntry("PATH", fake.home().resolve("bin").toString()).containsEntry("KEEP", "me");
    }

    @Test
    void provider_namedButUnavailableSaysWhereItLookedForAtc() {
        AtcToolkit discovered = AtcToolkit.discover();
        assumeThat(discovered.hasAtc()).as("no CANN toolkit installed on this machine").isFalse();
        AtcCompilerProvider provider = new AtcCompilerProvider();

        assertThat(provider.unavailableReason()).hasValue(discovered.missingAtcMessage());
        assertThatThrownBy(() -> OpCompilers.choose(Optional.of(new OpCompilers.Request("atc", "explicit")),
                List.of(provider)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("compiler backend 'atc' (explicit) is unavailable: ATC not found: no executable "
                        + discovered.atc());
        assertThatThrownBy(provider::create).isInstanceOf(ToolkitNotFoundException.class);
    }

    @Test
    void provider_ranksAboveTheSimulatedBackend() {
        AtcCompilerProvider provider = new AtcCompilerProvider();

        assertThat(provider.name()).isEqualTo("atc");
        assertThat(provider.rank()).isEqualTo(AtcCompilerProvider.RANK).isGreaterThan(0);
        assertThat(provider.isSimulated()).isFalse();
    }
}
