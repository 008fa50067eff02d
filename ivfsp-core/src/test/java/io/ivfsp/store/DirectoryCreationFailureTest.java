package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A directory the store cannot create (a full disk, most often) is reported like a file it cannot
 * write: naming the directory and the space left on its file system.
 */
class DirectoryCreationFailureTest {

    @TempDir
    Path dir;

    private final ModelPlan service = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.SERVICE);

    /** Runs the service set with "No space left on device" for every directory {@code full} picks. */
    private List<Path> runOnAFullDisk(Path root, Predicate<Path> full, List<String> details) throws Exception {
        List<Path> refused = Collections.synchronizedList(new ArrayList<>());
        StoreFaults faults = target -> {
            if (full.test(target)) {
                refused.add(target);
                throw new IOException("No space left on device");
            }
        };
        GenerationResult r;
        try (AutoCloseable injected = StoreFaults.inject(root, faults)) {
            r = ModelGenerator.builder().compiler(MockOpCompiler.create()).outputRoot(root).build().generate(service);
        }
        r.failures().forEach(f -> details.add(f.detail()));
        return refused;
    }

    private static boolean isJobDirectory(Path p) {
        return p.getParent().getFileName().toString().startsWith("run-");
    }

    @Test
    void aJobDirectoryThatCannotBeCreatedIsNamedWithTheSpaceLeft() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        List<String> details = new ArrayList<>();

        List<Path> refused = runOnAFullDisk(root, DirectoryCreationFailureTest::isJobDirectory, details);

        assertThat(refused).hasSize(service.files().size());
        assertThat(details).hasSize(service.files().size());
        for (Path d : refused) {
            assertThat(details).as("the failure of " + d).anySatisfy(detail -> assertThat(detail)
                    .contains("cannot create the directory " + d + ": No space left on device")
                    .containsPattern("\\(\\d+ bytes free on .+\\)"));
        }
    }

    @Test
    void aJobsOutputDirectoryThatCannotBeCreatedIsNamedWithTheSpaceLeft() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        List<String> details = new ArrayList<>();

        List<Path> refused = runOnAFullDisk(root, p -> p.getFileName().toString().equals("out")
                && isJobDirectory(p.getParent()), details);

        assertThat(refused).hasSize(service.files().size());
        for (Path d : refused) {
            assertThat(details).anySatisfy(detail -> assertThat(detail)
                    .contains("cannot create the directory " + d + ": No space left on device")
                    .containsPattern("\\(\\d+ bytes free on .+\\)"));
        }
    }

    @Test
    void anOutputRootThatCannotBeCreatedIsNamedWithTheSpaceLeft() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path root = file.resolve("root");

        assertThatThrownBy(() -> ModelStore.open(root)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("cannot create the directory " + root)
                .hasMessageMatching("(?s).*\\(\\d+ bytes free on .+\\).*");
    }
}
