package io.ivfsp.cli;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.ModelRegistries;
import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.RegistryAccessDeniedException;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * The registry part of {@code ivfsp doctor --remote URI}: reachable, readable, writable, and how many
 * of this configuration's model contents it holds. Prints no credential.
 */
final class RemoteDoctor {

    @Mixin
    RemoteOptions remote;

    @Option(names = "--cann-version", paramLabel = "<version>", order = 210,
            description = "With --remote: the CANN version whose entries to count (Version= of opp/version.info)."
                    + " Default: read from the toolkit.")
    String cannVersion;

    @Option(names = "--remote-backend", paramLabel = "<name>", order = 211, defaultValue = "atc",
            description = "With --remote: whose entries to count, atc or mock. Default: ${DEFAULT-VALUE}.")
    String backend;

    /** Adds the configuration flags whose entries are counted. */
    static void addConfigOptions(CommandSpec doctor) {
        new ConfigOptions(List.of(IvfspParameter.values())).addTo(doctor);
    }

    /**
     * Prints the registry's report when one is configured.
     *
     * @return false when a registry is configured and is not reachable and readable
     */
    boolean report(IvfspCli cli, CommandSpec doctor, Path toolkitDir, PrintWriter out, PrintWriter err) {
        if (!remote.configured(cli.environment())) {
            return true;
        }
        List<String> problems = ConfigOptions.newProblems();
        Optional<RemoteSettings> settings = remote.settings(cli.environment(), cli.workingDirectory(), err, "doctor",
                false, problems);
        List<IvfspConfig> configs = new ConfigOptions(List.of(IvfspParameter.values()))
                .read(doctor, EnumSet.allOf(ModelSet.class), problems);
        if (settings.isEmpty()) {
            out.println("remote:   invalid: " + String.join("; ", problems));
            return false;
        }
        RemoteSettings s = settings.get();
        out.println("remote:   " + s.uri() + endpoint(s)
                + s.region().map(r -> " region " + r).orElse("") + "; credentials: " + credentialSource(s, cli));
        ModelRegistry registry;
        try {
            registry = ModelRegistries.open(s);
        } catch (IllegalArgumentException e) {
            out.println("remote:   unusable: " + e.getMessage());
            return false;
        }
        try (registry) {
            try {
                registry.check();
                out.println("reachable: yes");
                out.println("readable:  yes");
            } catch (RegistryAccessDeniedException | AccessDeniedException e) {
                out.println("reachable: yes");
                out.println("readable:  no: " + e.getMessage());
                return false;
            } catch (IOException | RuntimeException e) {
                out.println("reachable: no: " + e.getMessage());
                return false;
            }
            String probe = "doctor/probe-" + UUID.randomUUID();
            boolean created = false;
            try {
                registry.createIfAbsent(probe, "ivfsp doctor".getBytes(StandardCharsets.UTF_8));
                created = true;
                registry.delete(probe);
                out.println("writable:  yes (this node can publish)");
            } catch (IOException | RuntimeException e) {
                out.println(created
                        ? "writable:  yes, but deleting is refused: " + e.getMessage() + " (leases then expire by themselves)"
                        : "writable:  no: " + e.getMessage() + " (this node can only fetch)");
            }
            if (!problems.isEmpty()) {
                out.println("entries:   unknown: " + String.join("; ", problems));
                return true;
            }
            Optional<String> identity = RemoteOptions.identity(backend, cannVersion, toolkitDir, cli, problems);
            if (identity.isEmpty()) {
                out.println("entries:   unknown: " + String.join("; ", problems));
                return true;
            }
            try (RemoteModels models = RemoteModels.open(s, backend, identity.get(), configs.get(0).socVersion())) {
                int have = 0;
                Set<String> seen = new HashSet<>();
                List<OpFile> files = configs.stream().flatMap(c -> OpCatalog.plan(c, EnumSet.allOf(ModelSet.class))
                        .files().stream()).distinct().toList();
                for (OpFile f : files) {
                    if (seen.add(f.outputDirectory() + "/" + models.key(f)) && models.hasEntry(f)) {
                        have++;
                    }
                }
                out.println("entries:   " + have + " of " + seen.size() + " model contents of "
                        + FetchCommand.describe(configs) + " (" + identity.get() + ")");
            } catch (IOException | RuntimeException e) {
                out.println("entries:   unknown: " + e.getMessage());
            }
        }
        return true;
    }

    /** Where an S3 registry is reached: the option's endpoint, else the standard variable's (as the SDK reads it). */
    private String endpoint(RemoteSettings s) {
        if (s.endpoint().isPresent()) {
            return " (endpoint " + s.endpoint().get() + ", path-style)";
        }
        if (!"s3".equalsIgnoreCase(s.uri().getScheme())) {
            return "";
        }
        for (String var : List.of("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL")) {
            String v = s.environment().get(var);
            if (v != null && !v.isBlank()) {
                try {
                    URI u = URI.create(v.strip());
                    RemoteSettings.builder("s3://probe").endpoint(u);  // the option's checks: no credentials in it
                    return " (endpoint " + u + " from " + var + ", path-style)";
                } catch (IllegalArgumentException e) {
                    return " (" + var + " is not a usable endpoint: an http(s) URI with a host and no credentials)";
                }
            }
        }
        return " (AWS endpoint)";
    }

    private String credentialSource(RemoteSettings s, IvfspCli cli) {
        if (!"s3".equalsIgnoreCase(s.uri().getScheme())) {
            return "none needed";
        }
        if (s.accessKeyId().isPresent()) {
            return "static key from --remote-access-key-id";
        }
        if (s.profile().isPresent()) {
            return "profile " + s.profile().get();
        }
        if (cli.environment().containsKey("AWS_ACCESS_KEY_ID")) {
            return "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY";
        }
        return "the AWS SDK's default chain (profile, container or instance role)";
    }
}
