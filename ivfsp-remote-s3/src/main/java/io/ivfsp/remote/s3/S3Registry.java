package io.ivfsp.remote.s3;

import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryProvider;
import io.ivfsp.remote.RegistryAccessDeniedException;
import io.ivfsp.remote.RegistryLimitException;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A model registry in an S3 bucket ({@code s3://bucket/prefix}): AWS S3, Huawei OBS, MinIO, Ceph RGW.
 * Conditional creates use {@code If-None-Match: *} (a {@code 412} means the object exists). Every call
 * has a timeout and retries with backoff; path-style access is used whenever the endpoint is overridden.
 *
 * <p>Credentials: the settings' access key, else their profile, else the SDK's default chain
 * (environment, system properties, {@code ~/.aws}, container and instance roles). Region: the
 * settings', else the SDK's chain, else {@code us-east-1} (what most S3-compatible services accept).
 * Endpoint: the settings', else {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}. No message of
 * this class contains a credential.
 */
public final class S3Registry implements ModelRegistry {

    private final URI uri;
    private final String bucket;
    private final String prefix;
    private final S3Client s3;

    private S3Registry(URI uri, String bucket, String prefix, S3Client s3) {
        this.uri = uri;
        this.bucket = bucket;
        this.prefix = prefix;
        this.s3 = s3;
    }

    /**
     * Opens the registry of {@code settings}.
     *
     * @throws IllegalArgumentException if the URI is not {@code s3://bucket[/prefix]} or a setting is invalid
     */
    public static S3Registry open(RemoteSettings settings) {
        URI uri = settings.uri();
        String bucket = uri.getHost();
        if (!"s3".equalsIgnoreCase(uri.getScheme()) || bucket == null || !bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")
                || uri.getPort() != -1) {
            throw new IllegalArgumentException("remote registry (--remote) = " + uri
                    + ": an S3 registry is s3://bucket[/prefix] with a valid bucket name (3-63 of a-z 0-9 . -)");
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (!prefix.isEmpty()) {
            for (String seg : prefix.split("/")) {
                if (!seg.matches("[A-Za-z0-9._\\-]{1,255}") || seg.equals(".") || seg.equals("..")) {
                    throw new IllegalArgumentException("remote registry (--remote) = " + uri + ": the prefix must be"
                            + " /-separated segments of letters, digits, . _ - (no empty, . or .. segment)");
                }
            }
            prefix = prefix + "/";
        }
        return new S3Registry(uri, bucket, prefix, client(settings));
    }

    static S3Client client(RemoteSettings settings) {
        Duration timeout = settings.timeout();
        S3ClientBuilder b = S3Client.builder()
                .httpClient(UrlConnectionHttpClient.builder().connectionTimeout(timeout).socketTimeout(timeout).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .apiCallAttemptTimeout(timeout)
                        .apiCallTimeout(timeout.multipliedBy(settings.retries() + 1L).plusSeconds(2L << settings.retries()))
                        .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder()
                                .maxAttempts(settings.retries() + 1).build())
                        .build())
                .credentialsProvider(credentials(settings))
                .region(region(settings));
        Optional<URI> endpoint = endpoint(settings);
        if (endpoint.isPresent()) {
            // OBS, MinIO, Ceph and local servers: path-style, and checksums only where S3 requires them
            // (not every compatible service knows the newer checksum headers).
            b.endpointOverride(endpoint.get()).forcePathStyle(true)
                    .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                    .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED);
        }
        return b.build();
    }

    /** The endpoint override: the settings', else the standard variables of the settings' environment. */
    static Optional<URI> endpoint(RemoteSettings settings) {
        if (settings.endpoint().isPresent()) {
            return settings.endpoint();
        }
        Map<String, String> env = settings.environment();
        for (String var : new String[] {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"}) {
            String v = env.get(var);
            if (v != null && !v.isBlank()) {
                try {
                    URI u = URI.create(v.strip());
                    RemoteSettings.builder("s3://probe").endpoint(u);  // same checks as the option
                    return Optional.of(u);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(var + " must be an http(s) URI with a host and no credentials", e);
                }
            }
        }
        return Optional.empty();
    }

    private static Region region(RemoteSettings settings) {
        if (settings.region().isPresent()) {
            return Region.of(settings.region().get());
        }
        String env = settings.environment().get("AWS_REGION");
        if (env != null && !env.isBlank()) {
            return Region.of(env.strip());
        }
        try {
            return new DefaultAwsRegionProviderChain().getRegion();
        } catch (SdkClientException e) {
            return Region.US_EAST_1;
        }
    }

    private static AwsCredentialsProvider credentials(RemoteSettings settings) {
        if (settings.accessKeyId().isPresent() && settings.secretAccessKey().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId().get(), settings.secretAccessKey().get()));
        }
        String id = settings.environment().get("AWS_ACCESS_KEY_ID");
        String secret = settings.environment().get("AWS_SECRET_ACCESS_KEY");
        if (id != null && !id.isBlank() && secret != null && !secret.isBlank() && settings.profile().isEmpty()) {
            String token = settings.environment().get("AWS_SESSION_TOKEN");
            return StaticCredentialsProvider.create(token == null || token.isBlank()
                    ? AwsBasicCredentials.create(id, secret)
                    : software.amazon.awssdk.auth.credentials.AwsSessionCredentials.create(id, secret, token));
        }
        if (settings.profile().isPresent()) {
            return ProfileCredentialsProvider.create(settings.profile().get());
        }
        return DefaultCredentialsProvider.builder().build();
    }

    @Override
    public URI uri() {
        return uri;
    }

    private String object(String name) {
        return prefix + ModelRegistry.checkName(name);
    }

    @Override
    public void check() throws IOException {
        // A read of an object that need not exist: a 404 proves reachable and readable without listing rights.
        exists("ivfsp-registry-probe");
    }

    @Override
    public Optional<byte[]> read(String name, int maxBytes) throws IOException {
        String key = object(name);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            return Optional.of(b);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (status(e) == 404) {
                return Optional.empty();
            }
            throw failure("read", name, e);
        }
    }

    @Override
    public boolean readTo(String name, Path target, long maxBytes) throws IOException {
        String key = object(name);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key));
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            ModelRegistry.copyBounded(name, in, out, maxBytes);
            return true;
        } catch (NoSuchKeyException e) {
            Files.deleteIfExists(target);
            return false;
        } catch (SdkException e) {
            Files.deleteIfExists(target);
            if (status(e) == 404) {
                return false;
            }
            throw failure("read", name, e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        String key = object(name);
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            if (status(e) == 404) {
                return false;
            }
            throw failure("look up", name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        return create(name, RequestBody.fromBytes(content));
    }

    @Override
    public boolean createIfAbsent(String name, Path content) throws IOException {
        return create(name, RequestBody.fromFile(content));
    }

    private boolean create(String name, RequestBody body) throws IOException {
        String key = object(name);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*"), body);
            return true;
        } catch (SdkException e) {
            int status = status(e);
            // 412: it exists. 409: a concurrent conditional write to the same key is in progress.
            if (status == 412 || status == 409) {
                return false;
            }
            throw failure("create", name, e);
        }
    }

    @Override
    public void overwrite(String name, byte[] content) throws IOException {
        put(name, RequestBody.fromBytes(content));
    }

    @Override
    public void overwrite(String name, Path content) throws IOException {
        put(name, RequestBody.fromFile(content));
    }

    private void put(String name, RequestBody body) throws IOException {
        String key = object(name);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key), body);
        } catch (SdkException e) {
            throw failure("write", name, e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        String key = object(name);
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (status(e) != 404) {
                throw failure("delete", name, e);
            }
        }
    }

    private static int status(SdkException e) {
        return e instanceof S3Exception s ? s.statusCode() : -1;
    }

    /** The SDK's failure as an IOException naming the bucket and object, never a credential. */
    private IOException failure(String what, String name, SdkException e) {
        int status = status(e);
        String code = e instanceof S3Exception s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorCode() : null;
        String msg = "cannot " + what + " s3://" + bucket + "/" + prefix + name + ": "
                + (status > 0 ? "HTTP " + status + (code == null ? "" : " " + code) : e.getClass().getSimpleName()
                + ": " + firstLine(e.getMessage()));
        if (status == 403) {
            return new RegistryAccessDeniedException(msg + " (the credentials lack the permission)", null);
        }
        return new IOException(msg);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3Registry{" + uri + "}";
    }

    /** The provider of {@code s3:} registries. */
    public static final class Provider implements ModelRegistryProvider {
        @Override
        public String scheme() {
            return "s3";
        }

        @Override
        public ModelRegistry open(RemoteSettings settings) {
            return S3Registry.open(settings);
        }
    }

}
