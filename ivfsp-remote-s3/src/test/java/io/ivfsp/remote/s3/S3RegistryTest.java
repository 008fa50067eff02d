package io.ivfsp.remote.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.adobe.testing.s3mock.junit5.S3MockExtension;

import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.config.ModelSet;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryContract;
import io.ivfsp.remote.RemoteSettings;

import java.net.URI;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ResourceAccessMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.junit.jupiter.api.parallel.ExecutionMode;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * The s3:// registry against Adobe's S3Mock, a real S3 server started in this JUnit run: the cases every
 * registry passes ({@link ModelRegistryContract}) and the S3-specific ones (conditional writes, endpoint,
 * credentials).
 *
 * <p>Its cases run side by side: each has its own prefix and directories, and only the server is shared
 * (S3 serves many clients at once); this class is the longest path of its module's build.
 */
@Execution(ExecutionMode.CONCURRENT)
class S3RegistryTest extends ModelRegistryContract {

    @RegisterExtension
    static final S3MockExtension S3 = S3MockExtension.builder().silent().withInitialBuckets("models").build();

    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

    /** A fresh prefix per test: the tests share one server. */
    private final String prefix = "fleet-" + UUID.randomUUID().toString().substring(0, 8);

    S3RegistryTest() {
        super(EnumSet.of(ModelSet.AICPU, ModelSet.TRAINING));
    }

    private URI endpoint() {
        return URI.create("http://127.0.0.1:" + S3.getHttpPort());
    }

    @Override
    protected RemoteSettings.Builder registry() {
        // A generous call timeout: on a loaded machine S3Mock, serving eight nodes at once, can take
        // seconds per call, and a timed-out call makes a node compile locally (the registry is optional),
        // which the cases asserting "compiled once" would read as a failure. The cases about a registry
        // that is down set their own short timeout.
        return RemoteSettings.builder("s3://models/" + prefix).endpoint(endpoint()).region("us-east-1")
                .credentials("AKIAIOSFODNN7EXAMPLE", SECRET).environment(Map.of()).timeout(Duration.ofMinutes(2));
    }

    @Test
    void s3MockAnswersAConditionalPutOnAnExistingKeyWith412() {
        try (S3Client raw = S3Client.builder().endpointOverride(endpoint()).forcePathStyle(true).region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b"))).build()) {
            String key = prefix + "/conditional";
            raw.putObject(r -> r.bucket("models").key(key).ifNoneMatch("*"), RequestBody.fromString("first"));
            assertThatThrownBy(() -> raw.putObject(r -> r.bucket("models").key(key).ifNoneMatch("*"),
                    RequestBody.fromString("second")))
                    .isInstanceOfSatisfying(S3Exception.class, e -> assertThat(e.statusCode()).isEqualTo(412));
            assertThat(raw.getObjectAsBytes(r -> r.bucket("models").key(key)).asUtf8String()).isEqualTo("first");
        }
    }

    @Test
    void theImplementationIsFoundByScheme() {
        try (ModelRegistry registry = raw()) {
            assertThat(registry).isInstanceOf(S3Registry.class);
        }
    }

    @Test
    void unreachableEndpointCompilesLocallyWithOneWarningAndNoSecret() throws java.io.IOException {
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        RemoteSettings down = remote().endpoint(URI.create("http://127.0.0.1:" + closedPort)).retries(1)
                .timeout(Duration.ofSeconds(2)).build();
        MockOpCompiler compiler = MockOpCompiler.create();

        generate(compiler, dir.resolve("node"), down).requireSuccess();

        assertThat(compiler.compiled()).hasSize((int) distinctJobs());
        assertThat(warnings).singleElement().satisfies(w -> assertThat(w).contains("s3://models/" + prefix)
                .contains("compiling locally").doesNotContain(SECRET));
        assertThat(down.toString()).doesNotContain(SECRET).contains("****");
    }

    @Test
    @ResourceLock(value = SERVER, mode = ResourceAccessMode.READ)
    void pathStyleEndpointComesFromTheStandardVariable() {
        RemoteSettings fromEnv = RemoteSettings.builder("s3://models/" + prefix)
                .environment(Map.of("AWS_ENDPOINT_URL", endpoint().toString(), "AWS_ACCESS_KEY_ID", "x",
                        "AWS_SECRET_ACCESS_KEY", SECRET, "AWS_REGION", "eu-west-1"))
                .warnings(warnings::add).build();
        MockOpCompiler compiler = MockOpCompiler.create();

        generate(compiler, dir.resolve("node"), fromEnv).requireSuccess();
        MockOpCompiler second = MockOpCompiler.create();
        generate(second, dir.resolve("node2"), fromEnv).requireSuccess();

        assertThat(second.compiled()).isEmpty();
        assertThat(warnings).isEmpty();
        assertThat(S3Clients.endpoint(fromEnv)).contains(endpoint());
    }

    @Test
    void invalidBucketOrEndpointIsRefusedNamingTheOption() {
        assertThatThrownBy(() -> S3Registry.open(RemoteSettings.builder("s3://A_B/x").build()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--remote");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://models").endpoint(URI.create("ftp://host")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--remote-endpoint");
        assertThatThrownBy(() -> RemoteSettings.builder("s3://key:secret@models/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("secret@");
    }
}
