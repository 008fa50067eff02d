package io.ivfsp.remote;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

/** The registry settings: each option's rule at its boundaries, the defaults, and what toString hides. */
class RemoteSettingsTest {

    private static RemoteSettings.Builder builder() {
        return RemoteSettings.builder("s3://bucket/prefix");
    }

    @Test
    void defaults() {
        RemoteSettings s = builder().environment(Map.of()).build();

        assertThat(s.uri()).isEqualTo(URI.create("s3://bucket/prefix"));
        assertThat(s.required()).isFalse();
        assertThat(s.leaseTime()).isEqualTo(Duration.ofSeconds(60)).isEqualTo(RemoteSettings.DEFAULT_LEASE_TIME);
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(20)).isEqualTo(RemoteSettings.DEFAULT_TIMEOUT);
        assertThat(s.retries()).isEqualTo(3).isEqualTo(RemoteSettings.DEFAULT_RETRIES);
        assertThat(s.region()).isEmpty();
        assertThat(s.endpoint()).isEmpty();
        assertThat(s.profile()).isEmpty();
        assertThat(s.accessKeyId()).isEmpty();
        assertThat(s.secretAccessKey()).isEmpty();
        assertThat(s.environment()).isEmpty();
        assertThat(s.toString()).isEqualTo("RemoteSettings{uri=s3://bucket/prefix, leaseTime=PT1M, timeout=PT20S, retries=3}");
    }

    @Test
    void everyOptionIsKeptAndToStringMasksTheSecret() {
        List<String> warnings = new ArrayList<>();
        RemoteSettings s = builder().required(true).leaseTime(Duration.ofMinutes(2)).timeout(Duration.ofSeconds(5))
                .retries(0).region("cn-north-4").endpoint(URI.create("https://obs.example.com"))
                .profile("ci").credentials("AKID", "s3cr3t").environment(Map.of("AWS_REGION", "x"))
                .warnings(warnings::add).build();

        assertThat(s.required()).isTrue();
        assertThat(s.leaseTime()).isEqualTo(Duration.ofMinutes(2));
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.retries()).isZero();
        assertThat(s.region()).hasValue("cn-north-4");
        assertThat(s.endpoint()).hasValue(URI.create("https://obs.example.com"));
        assertThat(s.profile()).hasValue("ci");
        assertThat(s.accessKeyId()).hasValue("AKID");
        assertThat(s.secretAccessKey()).hasValue("s3cr3t");
        assertThat(s.environment()).containsExactly(Map.entry("AWS_REGION", "x"));
        s.warnings().accept("hello");
        assertThat(warnings).containsExactly("hello");
        assertThat(s.toString()).isEqualTo("RemoteSettings{uri=s3://bucket/prefix, required, leaseTime=PT2M,"
                + " timeout=PT5S, retries=0, region=cn-north-4, endpoint=https://obs.example.com, profile=ci,"
                + " accessKeyId=AKID, secretAccessKey=****}");
    }

    @Test
    void leaseTime_bounds() {
        assertThat(builder().leaseTime(Duration.ofMillis(100)).build().leaseTime()).isEqualTo(Duration.ofMillis(100));
        assertThat(builder().leaseTime(Duration.ofHours(1)).build().leaseTime()).isEqualTo(Duration.ofHours(1));
        for (Duration bad : List.of(Duration.ofMillis(99), Duration.ofHours(1).plusMillis(1))) {
            assertThatThrownBy(() -> builder().leaseTime(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--remote-lease-seconds").hasMessageContaining(bad.toString());
        }
    }

    @Test
    void timeout_bounds() {
        assertThat(builder().timeout(Duration.ofMillis(100)).build().timeout()).isEqualTo(Duration.ofMillis(100));
        assertThat(builder().timeout(Duration.ofMinutes(10)).build().timeout()).isEqualTo(Duration.ofMinutes(10));
        for (Duration bad : List.of(Duration.ofMillis(99), Duration.ofMinutes(10).plusMillis(1))) {
            assertThatThrownBy(() -> builder().timeout(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--remote-timeout").hasMessageContaining(bad.toString());
        }
    }

    @Test
    void retries_bounds() {
        assertThat(builder().retries(10).build().retries()).isEqualTo(10);
        for (int bad : new int[] {-1, 11}) {
            assertThatThrownBy(() -> builder().retries(bad)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--remote-retries").hasMessageContaining("0..10: " + bad);
        }
    }

    @Test
    void endpoint_mustBeHttpWithAHostAndNoCredentials() {
        assertThat(builder().endpoint(URI.create("http://127.0.0.1:9000")).build().endpoint())
                .hasValue(URI.create("http://127.0.0.1:9000"));
        for (String bad : List.of("ftp://host", "file:///x", "http:///path")) {
            assertThatThrownBy(() -> builder().endpoint(URI.create(bad))).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("--remote-endpoint").hasMessageContaining(bad);
        }
        assertThatThrownBy(() -> builder().endpoint(URI.create("https://user:pw@host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(URI with credentials)")
                .hasMessageNotContaining("pw");
    }

    @Test
    void blankNamesAndKeysAreRefused() {
        assertThatThrownBy(() -> builder().region(" ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("region");
        assertThatThrownBy(() -> builder().profile("")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("profile");
        assertThatThrownBy(() -> builder().credentials("", "s")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("access key id");
        assertThatThrownBy(() -> builder().credentials("a", " ")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret access key");
        assertThatThrownBy(() -> builder().region(null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void uri_mustBeAbsoluteWithoutCredentialsQueryOrFragment() {
        assertThat(RemoteSettings.builder("file:///shared/dir").build().uri()).isEqualTo(URI.create("file:///shared/dir"));
        assertThatThrownBy(() -> RemoteSettings.builder("bucket/prefix")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a scheme").hasMessageContaining("IVFSP_REMOTE");
        assertThatThrownBy(() -> RemoteSettings.builder("mailto:x@y")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("needs a scheme");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://bucket/a b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a URI");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://key:secret@bucket/p"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("credentials")
                .hasMessageNotContaining("secret@");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://bucket/p?x=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query or fragment");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://bucket/p#f")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("query or fragment");
    }

    @Test
    void fromEnvironment_setBlankOrAbsent() {
        assertThat(RemoteSettings.fromEnvironment(Map.of())).isEmpty();
        assertThat(RemoteSettings.fromEnvironment(Map.of("IVFSP_REMOTE", "  "))).isEmpty();
        RemoteSettings s = RemoteSettings.fromEnvironment(Map.of("IVFSP_REMOTE", " s3://b/p ", "AWS_REGION", "r"))
                .orElseThrow().build();
        assertThat(s.uri()).isEqualTo(URI.create("s3://b/p"));
        assertThat(s.environment()).containsEntry("AWS_REGION", "r");
    }

    @Test
    void theBuilderCanBeUsedAgainAndBuildChangesNothing() {
        RemoteSettings.Builder b = builder().retries(1);
        RemoteSettings first = b.build();
        RemoteSettings second = b.retries(2).build();

        assertThat(first.retries()).isEqualTo(1);
        assertThat(second.retries()).isEqualTo(2);
    }
}
