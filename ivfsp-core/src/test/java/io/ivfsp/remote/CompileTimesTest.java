package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** A compile-time object read from an untrusted registry: each rule of {@link CompileTimes#parse} at its boundary. */
class CompileTimesTest {

    private static final String KEY = "a".repeat(64);

    private static byte[] time(String seconds, String extra) {
        return ("{\"version\":1,\"key\":\"" + KEY + "\",\"ops\":3,\"seconds\":" + seconds + extra + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void seconds_withinZeroExcludedAndADayIncluded() {
        assertThat(CompileTimes.parse(time("86400", ""), KEY, 3)).contains(86400.0);
        assertThat(CompileTimes.parse(time("86400.001", ""), KEY, 3)).isEmpty();
        assertThat(CompileTimes.parse(time("1e-9", ""), KEY, 3)).contains(1e-9);
        assertThat(CompileTimes.parse(time("0", ""), KEY, 3)).isEmpty();
        assertThat(CompileTimes.parse(time("0.0", ""), KEY, 3)).isEmpty();
    }

    @Test
    void size_uptoTheLimit() {
        byte[] json = time("2", "");
        String padded = new String(json, StandardCharsets.UTF_8) + " ".repeat(CompileTimes.MAX_BYTES - json.length);

        assertThat(CompileTimes.parse(padded.getBytes(StandardCharsets.UTF_8), KEY, 3)).contains(2.0);
        assertThat(CompileTimes.parse((padded + " ").getBytes(StandardCharsets.UTF_8), KEY, 3)).isEmpty();
    }

    @Test
    void onlyFlatJsonIsAccepted() {
        assertThat(CompileTimes.parse(time("2", ",\"note\":[1]"), KEY, 3)).isEmpty();
        assertThat(CompileTimes.parse(time("2", ",\"note\":\"[[{{\""), KEY, 3)).contains(2.0);
    }

    @Test
    void anotherKeyOpCountOrVersionIsNotThisFilesTime() {
        assertThat(CompileTimes.parse(time("2", ""), "b".repeat(64), 3)).isEmpty();
        assertThat(CompileTimes.parse(time("2", ""), KEY, 4)).isEmpty();
        assertThat(CompileTimes.parse(("{\"version\":2,\"key\":\"" + KEY + "\",\"ops\":3,\"seconds\":2}")
                .getBytes(StandardCharsets.UTF_8), KEY, 3)).isEmpty();
        assertThat(CompileTimes.parse("[2]".getBytes(StandardCharsets.UTF_8), KEY, 3)).isEmpty();
    }
}
