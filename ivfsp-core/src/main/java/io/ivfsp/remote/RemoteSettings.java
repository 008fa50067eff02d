package io.ivfsp.remote;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How to reach a model registry and how to behave when it fails.
 *
 * <pre>{@code
 * RemoteSettings remote = RemoteSettings.builder("s3://models/ivfsp")
 *         .endpoint(URI.create("https://obs.cn-north-4.myhuaweicloud.com")).region("cn-north-4")
 *         .build();
 * ModelGenerator.builder().compiler(atc).remote(remote).build();
 * }</pre>
 *
 * <p>Credentials come from the options here, else from the SDK's default chain; {@link #toString()}
 * never shows the secret key.
 */
public final class RemoteSettings {

    /** The environment variable naming the registry when no option does. */
    public static final String ENVIRONMENT_VARIABLE = "IVFSP_REMOTE";
    /** Default lease time: how long a dead node can delay the others. */
    public static final Duration DEFAULT_LEASE_TIME = Duration.ofSeconds(60);
    /** Default timeout of one registry call. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);
    /** Default retries of a failed call. */
    public static final int DEFAULT_RETRIES = 3;
    /** The longest lease time, in seconds (the shortest is 100 ms). */
    public static final int MAX_LEASE_SECONDS = 3600;
    /** The longest timeout of one registry call, in seconds (the shortest is 100 ms). */
    public static final int MAX_TIMEOUT_SECONDS = 600;
    /** The most retries of a failed call. */
    public static final int MAX_RETRIES = 10;

    /** The logger, made on first use: a warm run logs nothing and must not pay for starting SLF4J. */
    private static final class Log {
        static final Logger log = LoggerFactory.getLogger(RemoteSettings.class);
    }

    private final URI uri;
    private final boolean required;
    private final Duration leaseTime;
    private final Duration timeout;
    private final int retries;
    private final String region;
    private final URI endpoint;
    private final String profile;
    private final String accessKeyId;
    private final String secretAccessKey;
    private final Map<String, String> environment;
    private final Consumer<String> warnings;

    private RemoteSettings(Builder b) {
        this.uri = b.uri;
        this.required = b.required;
        this.leaseTime = b.leaseTime;
        this.timeout = b.timeout;
        this.retries = b.retries;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.profile = b.profile;
        this.accessKeyId = b.accessKeyId;
        this.secretAccessKey = b.secretAccessKey;
        this.environment = Map.copyOf(b.environment);
        this.warnings = b.warnings;
    }

    /**
     * A builder for the registry at {@code uri}: {@code s3://bucket[/prefix]} or {@code file:///dir}.
     *
     * @throws IllegalArgumentException if it is not such a URI (credentials in it are refused)
     */
    public static Builder builder(String uri) {
        return new Builder(RegistryUri.parse(uri));
    }

    /** A builder for {@code $IVFSP_REMOTE} of {@code environment}, if it is set and not blank. */
    public static Optional<Builder> fromEnvironment(Map<String, String> environment) {
        String v = environment.get(ENVIRONMENT_VARIABLE);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(builder(v.strip()).environment(environment));
    }

    /** The registry's URI (never holds credentials). */
    public URI uri() {
        return uri;
    }

    /** Whether a failing registry fails the run instead of being skipped. */
    public boolean required() {
        return required;
    }

    /** How long a lease holds without a heartbeat. */
    public Duration leaseTime() {
        return leaseTime;
    }

    /** The timeout of one call. */
    public Duration timeout() {
        return timeout;
    }

    /** Retries of a failed call, with exponential backoff. */
    public int retries() {
        return retries;
    }

    /** The region, if set. */
    public Optional<String> region() {
        return Optional.ofNullable(region);
    }

    /** The endpoint, if set (path-style access is then used). */
    public Optional<URI> endpoint() {
        return Optional.ofNullable(endpoint);
    }

    /** The credentials profile, if set. */
    public Optional<String> profile() {
        return Optional.ofNullable(profile);
    }

    /** The access key id, if set. */
    public Optional<String> accessKeyId() {
        return Optional.ofNullable(accessKeyId);
    }

    /** The secret access key, if set: never print it. */
    public Optional<String> secretAccessKey() {
        return Optional.ofNullable(secretAccessKey);
    }

    /** The environment the standard variables ({@code AWS_ENDPOINT_URL}, ...) are read from. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Where warnings about the registry go. */
    public Consumer<String> warnings() {
        return warnings;
    }

    /** The settings, the secret key masked. */
    @Override
    public String toString() {
        List<String> parts = new ArrayList<>();
        parts.add("uri=" + uri);
        if (required) {
            parts.add("required");
        }
        parts.add("leaseTime=" + leaseTime);
        parts.add("timeout=" + timeout);
        parts.add("retries=" + retries);
        region().ifPresent(r -> parts.add("region=" + r));
        endpoint().ifPresent(e -> parts.add("endpoint=" + e));
        profile().ifPresent(p -> parts.add("profile=" + p));
        accessKeyId().ifPresent(a -> parts.add("accessKeyId=" + a));
        secretAccessKey().ifPresent(s -> parts.add("secretAccessKey=****"));
        return "RemoteSettings{" + String.join(", ", parts) + "}";
    }

    /** Settings of a registry; {@link #build()} does not change the builder. */
    public static final class Builder {
        private final URI uri;
        private boolean required;
        private Duration leaseTime = DEFAULT_LEASE_TIME;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int retries = DEFAULT_RETRIES;
        private String region;
        private URI endpoint;
        private String profile;
        private String accessKeyId;
        private String secretAccessKey;
        private Map<String, String> environment = System.getenv();
        private Consumer<String> warnings = message -> Log.log.warn(message);

        private Builder(URI uri) {
            this.uri = uri;
        }

        /** Whether a failing registry fails the run ({@code --remote-required}); default false: warn and compile. */
        public Builder required(boolean required) {
            this.required = required;
            return this;
        }

        /**
         * How long a lease lasts without a heartbeat (a holder renews it every third of it); default 60 s.
         *
         * @throws IllegalArgumentException if not within 100 ms..1 h
         */
        public Builder leaseTime(Duration leaseTime) {
            if (leaseTime.compareTo(Duration.ofMillis(100)) < 0 || leaseTime.compareTo(Duration.ofSeconds(MAX_LEASE_SECONDS)) > 0) {
                throw new IllegalArgumentException("lease time (--remote-lease-seconds) must be within 100 ms..1 h: "
                        + leaseTime);
            }
            this.leaseTime = leaseTime;
            return this;
        }

        /**
         * The timeout of one registry call; default 20 s.
         *
         * @throws IllegalArgumentException if not within 100 ms..10 min
         */
        public Builder timeout(Duration timeout) {
            if (timeout.compareTo(Duration.ofMillis(100)) < 0 || timeout.compareTo(Duration.ofSeconds(MAX_TIMEOUT_SECONDS)) > 0) {
                throw new IllegalArgumentException("remote timeout (--remote-timeout) must be within 100 ms..10 min: "
                        + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Retries of a failed call, with exponential backoff; default 3.
         *
         * @throws IllegalArgumentException if not within 0..10
         */
        public Builder retries(int retries) {
            if (retries < 0 || retries > MAX_RETRIES) {
                throw new IllegalArgumentException("remote retries (--remote-retries) must be within 0..10: " + retries);
            }
            this.retries = retries;
            return this;
        }

        /** The region (S3); default the SDK's chain ({@code AWS_REGION}, profile), else us-east-1. */
        public Builder region(String region) {
            this.region = requireNonBlank(region, "region");
            return this;
        }

        /**
         * The endpoint (S3-compatible services: OBS, MinIO, Ceph); default {@code AWS_ENDPOINT_URL_S3} or
         * {@code AWS_ENDPOINT_URL}, else AWS. Path-style access is used whenever an endpoint is set.
         *
         * @throws IllegalArgumentException if it is not an http or https URI without credentials
         */
        public Builder endpoint(URI endpoint) {
            RegistryUri.checkEndpoint(endpoint);
            this.endpoint = endpoint;
            return this;
        }

        /** The credentials profile ({@code AWS_PROFILE}'s role). */
        public Builder profile(String profile) {
            this.profile = requireNonBlank(profile, "profile");
            return this;
        }

        /** Static credentials, given together; default the standard variables, the profile or the SDK's chain. */
        public Builder credentials(String accessKeyId, String secretAccessKey) {
            this.accessKeyId = requireNonBlank(accessKeyId, "access key id");
            this.secretAccessKey = requireNonBlank(secretAccessKey, "secret access key");
            return this;
        }

        /** The environment the standard variables are read from (to facilitate testing); default the process's. */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /** Where warnings about the registry go (to facilitate testing); default the log. */
        public Builder warnings(Consumer<String> warnings) {
            this.warnings = Objects.requireNonNull(warnings, "warnings");
            return this;
        }

        private static String requireNonBlank(String s, String what) {
            Objects.requireNonNull(s, what);
            if (s.isBlank()) {
                throw new IllegalArgumentException(what + " must not be blank");
            }
            return s;
        }

        /** The settings. */
        public RemoteSettings build() {
            return new RemoteSettings(this);
        }
    }
}
