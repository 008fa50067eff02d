package io.ivfsp.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.OutputRefusedException;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the generator does in its output root around a run: the checks before it starts, and prune. */
class OutputRootTest {

    @TempDir
    Path dir;

    private static final ModelPlan AICPU = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
    private static final ModelPlan TRAINING = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.TRAINING);

    private ModelGenerator generator(Path root) {
        return ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build();
    }

    @Test
    void pruneReturnsExactlyTheModelsItRemoved() {
        ModelGenerator g = generator(dir);
        GenerationResult r = g.generate(List.of(AICPU, TRAINING)).requireSuccess();
        List<Path> training = r.models().stream().filter(h -> h.set() == ModelSet.TRAINING).map(ModelHandle::path).toList();
        assertThat(training).isNotEmpty();

        List<Path> removed = g.prune(AICPU);

        assertThat(removed).containsExactlyInAnyOrderElementsOf(training);
        assertThat(removed).allSatisfy(p -> assertThat(p).doesNotExist());
        assertThat(r.models()).filteredOn(h -> h.set() == ModelSet.AICPU)
                .allSatisfy(h -> assertThat(h.path()).isRegularFile());
        assertThat(g.prune(AICPU)).as("nothing left to remove").isEmpty();
    }

    @Test
    void aRootWhoseNameDidNotDecodeIsRefusedForGenerateAndPruneWithoutCreatingIt() {
        // U+FFFD is what a name the locale could not decode became: the JVM would write to another directory.
        Path root = dir.resolve("models-\uFFFD");
        ModelGenerator g = generator(root);

        assertThatThrownBy(() -> g.generate(AICPU)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(root.toString()).hasMessageContaining("cannot be represented");
        assertThatThrownBy(() -> g.prune(AICPU)).isInstanceOf(OutputRefusedException.class)
                .hasMessageContaining(root.toString()).hasMessageContaining("cannot be represented");
        assertThat(root).doesNotExist();
    }

    @Test
    void theSameFileInTwoPlansIsGeneratedOnce() {
        // Two configurations that differ in nothing their files depend on give the same files: no conflict.
        ModelPlan again = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU);
        MockOpCompiler mock = MockOpCompiler.create();

        GenerationResult r = ModelGenerator.builder().compiler(mock).outputRoot(dir).build()
                .generate(List.of(AICPU, again)).requireSuccess();

        assertThat(mock.compiled()).hasSize(AICPU.files().size());
        assertThat(r.models()).extracting(ModelHandle::path).doesNotHaveDuplicates()
                .hasSize(AICPU.files().stream().mapToInt(f -> f.omFileNames().size()).sum());
        assertThat(AICPU.files()).extracting(OpFile::fileName).isNotEmpty();
    }
}
