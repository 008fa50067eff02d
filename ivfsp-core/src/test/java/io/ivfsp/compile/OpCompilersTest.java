package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ivfsp.testing.StubProvider;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

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

    private static final StubProvider REAL_HIGH = new StubProvider("high", 100, false, Optional.of("no toolkit at /x"));
    private static final StubProvider REAL_LOW = new StubProvider("low", 50, false, Optional.empty());
    private static final StubProvider SIMULATED = new StubProvider("sim", 200, true, Optional.empty());
    private static final List<OpCompilerProvider> STUBS = List.of(SIMULATED, REAL_LOW, REAL_HIGH);

    private static Properties property(String value) {
        Properties p = new Properties();
        p.setProperty(OpCompilers.PROPERTY, value);
        return p;
    }

    @Test
    void request_explicitNameWinsOverPropertyAndEnvironment() {
        assertThat(OpCompilers.request(Optional.of("a"), property("b"), Map.of(OpCompilers.ENVIRONMENT, "c")))
                .hasValue(new OpCompilers.Request("a", "explicit"));
    }

    @Test
    void request_propertyWinsOverEnvironment() {
        assertThat(OpCompilers.request(Optional.empty(), property("b"), Map.of(OpCompilers.ENVIRONMENT, "c")))
                .hasValue(new OpCompilers.Request("b", "system property ivfsp.compiler"));
    }

    @Test
    void request_environmentIsReadWhenNothingElseNamesABackend() {
        assertThat(OpCompilers.request(Optional.empty(), new Properties(), Map.of(OpCompilers.ENVIRONMENT, "c")))
                .hasValue(new OpCompilers.Request("c", "environment IVFSP_COMPILER"));
    }

    @Test
    void request_blankValuesCountAsNotGiven() {
        assertThat(OpCompilers.request(Optional.of(" "), property(""), Map.of(OpCompilers.ENVIRONMENT, "c")))
                .hasValue(new OpCompilers.Request("c", "environment IVFSP_COMPILER"));
        assertThat(OpCompilers.request(Optional.empty(), new Properties(), Map.of())).isEmpty();
    }

    @Test
    void choose_withoutRequestTakesTheAvailableRealBackendOfHighestRank() {
        // SIMULATED ranks highest and REAL_HIGH is unavailable: neither may be chosen by rank.
        assertThat(OpCompilers.choose(Optional.empty(), STUBS)).isEqualTo(REAL_LOW);
        assertThat(OpCompilers.choose(Optional.of(new OpCompilers.Request("auto", "explicit")), STUBS))
                .isEqualTo(REAL_LOW);
        StubProvider available = new StubProvider("high", 100, false, Optional.empty());
        assertThat(OpCompilers.choose(Optional.empty(), List.of(REAL_LOW, available, SIMULATED))).isEqualTo(available);
    }

    @Test
    void choose_namedSimulatedBackendIsChosen() {
        assertThat(OpCompilers.choose(Optional.of(new OpCompilers.Request("sim", "explicit")), STUBS))
                .isEqualTo(SIMULATED);
    }

    @Test
    void choose_namedButUnavailableBackendSaysWhyAndWhereTheNameCameFrom() {
        assertThatThrownBy(() -> OpCompilers.choose(
                Optional.of(new OpCompilers.Request("high", "environment IVFSP_COMPILER")), STUBS))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("compiler backend 'high' (environment IVFSP_COMPILER) is unavailable: no toolkit at /x");
    }

    @Test
    void choose_noneAvailableListsWhyForEach() {
        assertThatThrownBy(() -> OpCompilers.choose(Optional.empty(), List.of(REAL_HIGH, SIMULATED)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no compiler backend is available")
                .hasMessageContaining("high (rank 100): unavailable: no toolkit at /x")
                .hasMessageContaining("sim (rank 200, simulated): available");
    }

    @Test
    void select_readsThePropertyAndTheEnvironmentItIsGiven() {
        assertThat(OpCompilers.select(Optional.empty(), property("mock"), Map.of())).isInstanceOf(MockOpCompiler.class);
        assertThat(OpCompilers.select(Optional.empty(), new Properties(), Map.of(OpCompilers.ENVIRONMENT, "mock")))
                .isInstanceOf(MockOpCompiler.class);
        assertThatThrownBy(() -> OpCompilers.select(Optional.empty(), property("tbe"), Map.of(OpCompilers.ENVIRONMENT, "mock")))
                .hasMessageContaining("unknown compiler backend 'tbe' (system property ivfsp.compiler)");
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
