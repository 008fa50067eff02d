package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;

/** How a registry failure is told in its one warning: the exception's kind and the first line of its message. */
class RegistrySessionTest {

    @Test
    void describe_givesTheKindAndTheFirstLineOnly() {
        assertThat(RegistrySession.describe(new IOException("Connection refused\n\tat some.Frame"))).isEqualTo("IOException: Connection refused");
        assertThat(RegistrySession.describe(new IllegalStateException())).isEqualTo("IllegalStateException");
        assertThat(RegistrySession.describe(new IOException(""))).isEqualTo("IOException: ");
    }
}
