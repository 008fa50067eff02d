package io.ivfsp.compile;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Optional;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class OpCompilerDefaultsTest {

    /** A backend that states only its name. */
    private static final OpCompiler PLAIN = new OpCompiler() {
        @Override
        public String name() {
            return "plain";
        }

        @Override
        public CompileOutcome compile(CompileRequest request) {
            throw new UnsupportedOperationException("not needed");
        }
    };

    @Test
    void aBackendIsRealReentrantAndIdentifiedByItsNameUnlessItSaysOtherwise() {
        assertThat(PLAIN.isSimulated()).isFalse();
        assertThat(PLAIN.maxParallelism()).isEqualTo(Integer.MAX_VALUE);
        assertThat(PLAIN.cacheIdentity()).isEqualTo("plain");
    }

    @Test
    void provider_isFoundByItsExactName() {
        assertThat(OpCompilers.provider("mock")).hasValueSatisfying(p -> assertThat(p).isInstanceOf(MockCompilerProvider.class));
        assertThat(OpCompilers.provider("moc")).isEmpty();
    }

    @Test
    void request_aBlankEnvironmentVariableCountsAsNotGiven() {
        assertThat(OpCompilers.request(Optional.empty(), new Properties(), Map.of(OpCompilers.ENVIRONMENT, " "))).isEmpty();
    }

    @Test
    void cancellation_closingARegistrationMadeAfterCancellationIsHarmless() {
        Cancellation c = new Cancellation();
        c.cancel();
        int[] calls = new int[1];

        Cancellation.Registration late = c.onCancel(() -> calls[0]++);
        late.close();
        late.close();

        assertThat(calls[0]).isEqualTo(1);
    }
}
