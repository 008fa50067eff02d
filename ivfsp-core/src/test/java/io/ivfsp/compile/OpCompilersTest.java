package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;

import org.junit.jupiter.api.Test;

class OpCompilersTest {

    @Test
    void serviceLoaderFindsTheAtcAndMockBackendsByRank() {
        assertThat(OpCompilers.providers()).extracting(OpCompilerProvider::name).containsExactly("atc", "mock");
    }

    @Test
    void mockIsChosenByName() {
        OpCompiler c = OpCompilers.select(Optional.of("mock"));

        assertThat(c).isInstanceOf(MockOpCompiler.class);
        assertThat(c.isSimulated()).isTrue();
    }

    @Test
    void unknownNameListsTheAvailableBackends() {
        assertThatThrownBy(() -> OpCompilers.select(Optional.of("tbe")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown compiler backend 'tbe'").hasMessageContaining("atc, mock");
    }

    @Test
    void describeSaysWhyEachBackendIsOrIsNotAvailable() {
        assertThat(OpCompilers.describe()).contains("mock (rank 0, simulated): available").contains("atc (rank 100)");
    }

    @Test
    void errorCodeIsFoundAtTheStartOfALine() {
        assertThat(CompileFailure.findErrorCode("ATC run failed\nE10025: not JSON")).hasValue("E10025");
        assertThat(CompileFailure.findErrorCode("x\n  EZ9999: inner")).hasValue("EZ9999");
        assertThat(CompileFailure.findErrorCode("[E19999]: x")).hasValue("E19999");
        assertThat(CompileFailure.findErrorCode("ATC run success, welcome to the next use.")).isEmpty();
    }

    @Test
    void cancellationRunsCallbacksOnceAndLateOnesAtOnce() {
        Cancellation c = new Cancellation();
        int[] calls = new int[2];
        Cancellation.Registration removed = c.onCancel(() -> calls[1]++);
        c.onCancel(() -> calls[0]++);
        removed.close();

        c.cancel();
        c.cancel();
        c.onCancel(() -> calls[0]++);

        assertThat(calls).containsExactly(2, 0);
        assertThat(c.isCancelled()).isTrue();
    }
}
