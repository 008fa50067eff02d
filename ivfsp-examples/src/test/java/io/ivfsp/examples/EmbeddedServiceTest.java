package io.ivfsp.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.compile.MockOpCompiler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.junit.jupiter.api.io.TempDir;

@Isolated("sets the system property that chooses the compiler")
class EmbeddedServiceTest {

    @TempDir
    Path root;

    @Test
    void startUpLeavesEveryModelInTheModelPath() throws Exception {
        MockOpCompiler mock = MockOpCompiler.create();

        Path modelPath = EmbeddedService.startUp(root, mock);

        assertThat(modelPath).isEqualTo(root.resolve("modelpath").toAbsolutePath());
        try (Stream<Path> models = Files.list(modelPath)) {
            assertThat(models.filter(p -> p.toString().endsWith(".om"))).hasSize(45);
        }
        assertThat(mock.compiled()).hasSize(32);
    }

    @Test
    void chooseCompilerFollowsTheSystemPropertyLikeTheCli() {
        String before = System.getProperty(io.ivfsp.compile.OpCompilers.PROPERTY);
        try {
            System.setProperty(io.ivfsp.compile.OpCompilers.PROPERTY, "mock");
            assertThat(EmbeddedService.chooseCompiler()).isInstanceOf(MockOpCompiler.class);
            System.setProperty(io.ivfsp.compile.OpCompilers.PROPERTY, "tbe");
            org.assertj.core.api.Assertions.assertThatThrownBy(EmbeddedService::chooseCompiler)
                    .hasMessageContaining("unknown compiler backend 'tbe' (system property ivfsp.compiler)");
        } finally {
            if (before == null) {
                System.clearProperty(io.ivfsp.compile.OpCompilers.PROPERTY);
            } else {
                System.setProperty(io.ivfsp.compile.OpCompilers.PROPERTY, before);
            }
        }
    }

    @Test
    void durationsBelowASecondAreShownInMilliseconds() {
        assertThat(EmbeddedService.readable(java.time.Duration.ofMillis(27))).isEqualTo("27 ms");
        assertThat(EmbeddedService.readable(java.time.Duration.ofMillis(999))).isEqualTo("999 ms");
        assertThat(EmbeddedService.readable(java.time.Duration.ofMillis(1240))).isEqualTo("1.2 s");
    }
}
