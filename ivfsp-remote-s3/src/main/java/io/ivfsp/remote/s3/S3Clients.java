package io.ivfsp.remote.s3;

import io.ivfsp.remote.RemoteSettings;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;

/**
 * The S3 client of a registry's settings: timeouts and retries with backoff on every call, and
 * path-style access whenever the endpoint is overridden.
 *
 * <p>Credentials: the settings' access key, else their profile, else the SDK's default chain
 * (environment, system properties, {@code ~/.aws}, container and instance roles). Region: the
 * settings', else the SDK's chain, else {@code us-east-1} (what most S3-compatible services accept).
 * Endpoint: the settings', else {@code AWS_ENDPOINT_URL_S3} or {@code AWS_ENDPOINT_URL}.
 */
final class S3Clients {

    private S3Clients() {
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
}
