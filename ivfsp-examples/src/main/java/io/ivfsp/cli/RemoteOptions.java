package io.ivfsp.cli;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.remote.ModelRegistries;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import picocli.CommandLine.Option;

/**
 * The options of the shared model registry, mixed into {@code generate}, {@code fetch},
 * {@code publish} and {@code doctor}. Credentials come from the AWS SDK's default chain and standard
 * variables unless given here; the secret key is read from a file so that it never appears in a
 * process listing, and it is never printed.
 */
final class RemoteOptions {

    /** The longest secret-key file read. */
    private static final int MAX_SECRET_FILE_BYTES = 4096;

    @Option(names = "--remote", paramLabel = "<uri>", order = 200,
            description = "Shared model registry: s3://bucket/prefix (AWS S3, OBS, MinIO, Ceph) or file:///shared/dir."
                    + " Each job is looked up there before compiling and published after. Default: $IVFSP_REMOTE.")
    String remote;

    @Option(names = "--remote-required", order = 201,
            description = "Fail when the registry fails. Default: warn once and compile locally.")
    boolean required;

    @Option(names = "--remote-lease-seconds", paramLabel = "<s>", order = 202,
            description = "How long another node waits for a node that died while compiling a key, 1 to "
                    + RemoteSettings.MAX_LEASE_SECONDS + ". Default: 60.")
    String leaseSeconds;

    @Option(names = "--remote-timeout", paramLabel = "<s>", order = 203,
            description = "Timeout of one registry call in seconds, 1 to " + RemoteSettings.MAX_TIMEOUT_SECONDS
                    + ". Default: 20.")
    String timeoutSeconds;

    @Option(names = "--remote-retries", paramLabel = "<n>", order = 204,
            description = "Retries of a failed registry call, with exponential backoff, 0 to " + RemoteSettings.MAX_RETRIES
                    + ". Default: 3.")
    String retries;

    @Option(names = "--remote-region", paramLabel = "<region>", order = 205,
            description = "S3 region. Default: $AWS_REGION, the profile's, else us-east-1.")
    String region;

    @Option(names = "--remote-endpoint", paramLabel = "<url>", order = 206,
            description = "S3 endpoint of an S3-compatible service (path-style access is then used)."
                    + " Default: $AWS_ENDPOINT_URL_S3, $AWS_ENDPOINT_URL, else AWS.")
    String endpoint;

    @Option(names = "--remote-profile", paramLabel = "<name>", order = 207,
            description = "Credentials profile of ~/.aws/credentials. Default: $AWS_PROFILE, else the default chain.")
    String profile;

    @Option(names = "--remote-access-key-id", paramLabel = "<id>", order = 208,
            description = "S3 access key id; needs --remote-secret-access-key-file. Default: $AWS_ACCESS_KEY_ID,"
                    + " else the default chain.")
    String accessKeyId;

    @Option(names = "--remote-secret-access-key-file", paramLabel = "<file>", order = 209,
            description = "File holding the S3 secret access key (never given on the command line, where every user"
                    + " of the machine sees it). Default: $AWS_SECRET_ACCESS_KEY, else the default chain.")
    Path secretKeyFile;

    /** These options as a generator subcommand reads them without picocli, in the order of the help ({@link #set}). */
    static final List<ScriptCommandLine.Own> OPTIONS = List.of(
            ScriptCommandLine.text("--remote"),
            ScriptCommandLine.flag("--remote-required"),
            ScriptCommandLine.integer("--remote-lease-seconds"),
            ScriptCommandLine.integer("--remote-timeout"),
            ScriptCommandLine.integer("--remote-retries"),
            ScriptCommandLine.text("--remote-region"),
            ScriptCommandLine.text("--remote-endpoint"),
            ScriptCommandLine.text("--remote-profile"),
            ScriptCommandLine.text("--remote-access-key-id"),
            ScriptCommandLine.path(List.of("--remote-secret-access-key-file")));

    /**
     * Keeps the value of one of {@link #OPTIONS}, named by its long name, in its field.
     *
     * @throws IllegalArgumentException if a path cannot be named on this system (the message names the option)
     * @throws IllegalStateException if {@code option} is not one of them
     */
    void set(String option, String value) {
        switch (option) {
            case "--remote" -> remote = value;
            case "--remote-required" -> required = true;
            case "--remote-lease-seconds" -> leaseSeconds = value;
            case "--remote-timeout" -> timeoutSeconds = value;
            case "--remote-retries" -> retries = value;
            case "--remote-region" -> region = value;
            case "--remote-endpoint" -> endpoint = value;
            case "--remote-profile" -> profile = value;
            case "--remote-access-key-id" -> accessKeyId = value;
            case "--remote-secret-access-key-file" -> secretKeyFile = ScriptCommandLine.path(option, value);
            default -> throw new IllegalStateException("no field for the option " + option);
        }
    }

    /** Whether a registry is named by the option or the environment. */
    boolean configured(Map<String, String> env) {
        String variable = env.get(RemoteSettings.ENVIRONMENT_VARIABLE);
        return remote != null || variable != null && !variable.isBlank();
    }

    /**
     * The registry settings of the options, else of {@code $IVFSP_REMOTE}; every invalid option is added to
     * {@code problems} (naming the option, the value and what is allowed) and the result is then empty.
     */
    Optional<RemoteSettings> settings(Map<String, String> env, Path workingDirectory, PrintWriter err, String command,
                                      boolean forceRequired, List<String> problems) {
        int before = problems.size();
        // Checked even when no registry is named: a value given is never silently ignored.
        Integer lease = leaseSeconds == null ? null : ConfigOptions.bounded("--remote-lease-seconds", leaseSeconds,
                1, RemoteSettings.MAX_LEASE_SECONDS, problems);
        Integer timeout = timeoutSeconds == null ? null : ConfigOptions.bounded("--remote-timeout", timeoutSeconds,
                1, RemoteSettings.MAX_TIMEOUT_SECONDS, problems);
        Integer retryCount = retries == null ? null : ConfigOptions.bounded("--remote-retries", retries,
                0, RemoteSettings.MAX_RETRIES, problems);
        if (!configured(env)) {
            if (required || forceRequired) {
                problems.add("--remote: " + (forceRequired ? command + " needs" : "--remote-required needs")
                        + " a registry: give --remote s3://bucket/prefix or file:///dir, or set "
                        + RemoteSettings.ENVIRONMENT_VARIABLE);
            }
            return Optional.empty();
        }
        RemoteSettings.Builder b;
        try {
            b = remote != null ? RemoteSettings.builder(remote.strip()).environment(env)
                    : RemoteSettings.fromEnvironment(env).orElseThrow();
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
            return Optional.empty();
        }
        b.required(required || forceRequired).warnings(message -> err.println("WARNING " + message));
        check(problems, () -> ModelRegistries.provider(b.build()));
        Optional.ofNullable(lease).map(Duration::ofSeconds).ifPresent(b::leaseTime);
        Optional.ofNullable(timeout).map(Duration::ofSeconds).ifPresent(b::timeout);
        Optional.ofNullable(retryCount).ifPresent(b::retries);
        check(problems, () -> {
            if (region != null) {
                b.region(region);
            }
        });
        check(problems, () -> {
            if (endpoint != null) {
                try {
                    b.endpoint(new URI(endpoint.strip()));
                } catch (java.net.URISyntaxException e) {
                    throw new IllegalArgumentException("--remote-endpoint: not a URI (" + e.getReason() + ")");
                }
            }
        });
        check(problems, () -> {
            if (profile != null) {
                b.profile(profile);
            }
        });
        if ((accessKeyId == null) != (secretKeyFile == null)) {
            problems.add("--remote-access-key-id and --remote-secret-access-key-file go together: give both or neither");
        } else if (accessKeyId != null) {
            check(problems, () -> b.credentials(accessKeyId.strip(), readSecret(workingDirectory.resolve(secretKeyFile))));
        }
        return problems.size() > before ? Optional.empty() : Optional.of(b.build());
    }

    private static void check(List<String> problems, Runnable r) {
        try {
            r.run();
        } catch (IllegalArgumentException | NullPointerException e) {
            problems.add(e.getMessage());
        }
    }

    private static String readSecret(Path file) {
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS) || Files.size(file) > MAX_SECRET_FILE_BYTES) {
                throw new IllegalArgumentException("--remote-secret-access-key-file = " + file
                        + ": must be a regular file (not a link) of at most " + MAX_SECRET_FILE_BYTES + " bytes");
            }
            String s = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            if (s.isEmpty() || s.lines().count() != 1) {
                throw new IllegalArgumentException("--remote-secret-access-key-file = " + file
                        + ": must hold the secret key on one line");
            }
            return s;
        } catch (IOException e) {
            throw new IllegalArgumentException("--remote-secret-access-key-file = " + file + ": cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * The registry identity of models for a node that may have no ATC: {@code mock} models need nothing;
     * ATC models take {@code --cann-version}, else the {@code Version=} of the toolkit's (or runtime's)
     * {@code opp/version.info}.
     *
     * @return the identity, or empty after adding a problem saying what to give
     */
    static Optional<String> identity(String backend, String cannVersion, Path toolkitDir, IvfspCli cli,
                                     List<String> problems) {
        if (backend.equals("mock")) {
            return Optional.of(MockOpCompiler.create().cacheIdentity());
        }
        if (!backend.equals("atc")) {
            problems.add("--backend = " + backend + ": fetch and publish know atc and mock");
            return Optional.empty();
        }
        if (cannVersion != null) {
            if (!cannVersion.strip().matches("[A-Za-z0-9._+\\-]{1,64}")) {
                problems.add("--cann-version = " + cannVersion + ": must be the Version= value of opp/version.info,"
                        + " e.g. 8.0.RC3 (letters, digits, . _ + -)");
                return Optional.empty();
            }
            return Optional.of(RemoteModels.atcIdentity(cannVersion));
        }
        List<AtcToolkit> candidates = new java.util.ArrayList<>();
        if (toolkitDir != null) {
            candidates.add(AtcToolkit.at(cli.workingDirectory().resolve(toolkitDir)));
        } else {
            candidates.add(AtcToolkit.discover(cli.environment()));
            // A runtime-only node has the NNRT package rather than the toolkit.
            String home = Optional.ofNullable(cli.environment().get("ASCEND_HOME")).filter(h -> !h.isBlank())
                    .orElse(AtcToolkit.DEFAULT_ASCEND_HOME);
            candidates.add(AtcToolkit.at(Path.of(home, "nnrt", "latest")));
        }
        for (AtcToolkit t : candidates) {
            Optional<String> version = t.oppVersionInfo().flatMap(RemoteModels::versionOf);
            if (version.isPresent()) {
                return Optional.of(RemoteModels.atcIdentity(version.get()));
            }
        }
        problems.add("--cann-version: no Version= in " + String.join(" nor ", candidates.stream()
                .map(t -> t.opp().resolve("version.info").toString()).toList()) + " (" + candidates.get(0).origin()
                + "); give --cann-version or --toolkit <the CANN runtime or toolkit directory>");
        return Optional.empty();
    }
}
