package io.ivfsp.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;

import java.io.IOException;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The test seam for failures: it reaches the stores of its own root only, and only until it is closed. */
class StoreFaultsTest {

    @TempDir
    Path dir;

    private final OpFile file = OpCatalog.plan(IvfspConfig.defaults(), ModelSet.AICPU).files().get(0);

    private static final StoreFaults FULL = target -> {
        throw new IOException("No space left on device");
    };

    @Test
    void injectedFaultsReachOnlyTheirRootAndEndWhenClosed() throws Exception {
        Path root = dir.resolve("root");
        Path other = dir.resolve("other");
        try (AutoCloseable injected = StoreFaults.inject(root, FULL)) {
            assertThatThrownBy(() -> ModelStore.open(root)).isInstanceOf(OutputRefusedException.class)
                    .hasMessageContaining("No space left on device");
            try (ModelStore store = ModelStore.open(other)) {
                assertThat(store.writeJson(file)).hasBinaryContent(file.jsonBytes());
            }
        }
        try (ModelStore store = ModelStore.open(root)) {
            assertThat(store.writeJson(file)).hasBinaryContent(file.jsonBytes());
        }
    }
}
