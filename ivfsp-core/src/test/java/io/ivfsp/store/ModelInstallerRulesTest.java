package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.files.Sha256;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where models may be installed: a real path only, one content per name, replacing what the name held. */
class ModelInstallerRulesTest {

    @TempDir
    Path dir;

    private StoredModel model(String folder, String name, String content) throws IOException {
        Path p = Files.writeString(Files.createDirectories(dir.resolve(folder)).resolve(name), content);
        return new StoredModel(p, Files.size(p), Sha256.of(p));
    }

    @Test
    void aPathThroughASymbolicLinkIsRefusedNamingTheRealPathAndNothingIsCreated() throws IOException {
        StoredModel a = model("store", "0_A.om", "a");
        Path real = Files.createDirectories(dir.resolve("real"));
        Path link = Files.createSymbolicLink(dir.resolve("link"), real);
        Path target = link.resolve("mx/models");

        assertThatThrownBy(() -> ModelInstaller.install(List.of(a), target))
                .isInstanceOfSatisfying(OutputRefusedException.class, e -> assertThat(e.path()).isEqualTo(target))
                .hasMessageContaining(target.toString()).hasMessageContaining("symbolic link")
                .hasMessageContaining(link + " is really " + real.toRealPath());
        assertThat(real).isEmptyDirectory();
        assertThat(ModelInstaller.check(List.of("0_A.om"), real.resolve("mx"))).isEqualTo(real.resolve("mx"));
    }

    @Test
    void twoDifferentModelsOfOneNameAreRefused_theSameModelTwiceIsInstalledOnce() throws IOException {
        StoredModel a = model("one", "0_A.om", "a");
        StoredModel other = model("two", "0_A.om", "not a");
        StoredModel same = model("three", "0_A.om", "a");
        Path target = dir.resolve("mx");

        assertThatThrownBy(() -> ModelInstaller.install(List.of(a, other), target)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(target.resolve("0_A.om").toString()).hasMessageContaining("two different models");
        assertThat(target).doesNotExist();

        assertThat(ModelInstaller.install(List.of(a, same), target)).containsExactly(target.resolve("0_A.om"),
                target.resolve("0_A.om"));
        assertThat(target.resolve("0_A.om")).hasContent("a");
    }

    @Test
    void anInstalledModelReplacesTheFileOfItsNameAndTheOrderOfTheModelsIsKept() throws IOException {
        StoredModel b = model("store", "1_B.om", "new b");
        StoredModel a = model("store", "0_A.om", "a");
        Path target = Files.createDirectories(dir.resolve("mx"));
        Files.writeString(target.resolve("1_B.om"), "old b, longer than the new one");

        assertThat(ModelInstaller.install(List.of(b, a), target)).containsExactly(target.resolve("1_B.om"),
                target.resolve("0_A.om"));
        assertThat(target.resolve("1_B.om")).hasContent("new b");
        try (Stream<Path> s = Files.list(target)) {
            assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("0_A.om", "1_B.om");
        }
    }
}
