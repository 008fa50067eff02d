package io.ivfsp.cli;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.CacheKey;
import io.ivfsp.store.Manifest;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;
import io.ivfsp.store.StoredModel;
import io.ivfsp.store.Verification;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ivfsp publish}: uploads the models a local output root holds and its manifests vouch for. */
@Command(name = "publish", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Uploads to the shared registry the models of a configuration that an output root holds and"
                + " its manifest vouches for (recorded for this toolkit and SoC, and intact: size and SHA-256 checked).",
                "An entry the registry already has is left as it is."},
        footer = {"", "Exit status: 0 every model published or already there, 1 a model could not be published,"
                + " 2 invalid usage."})
final class PublishCommand extends ConfigurationCommand {

    @Mixin
    RemoteOptions remote;

    @Mixin
    RegistryTarget target;

    PublishCommand(IvfspCli cli) {
        super(cli);
    }

    @Override
    Integer run(PrintWriter out, PrintWriter err, List<String> problems) {
        Optional<RegistryTarget.Request> request = target.read(cli, spec, config, remote, err, problems);
        Path root = target.root(cli);
        if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
            problems.add("-o/--output-root = " + root + ": not a directory holding generated models");
        }
        if (!problems.isEmpty()) {
            return ConfigOptions.reportInvalid(err, "publish", problems);
        }
        List<ModelPlan> plans = request.get().plans();
        RemoteSettings settings = request.get().settings();
        String soc = request.get().socVersion();
        Optional<String> localIdentity = localIdentity();
        Map<RemoteModels.Published, Integer> counts = new EnumMap<>(RemoteModels.Published.class);
        List<String> notPublished = new ArrayList<>();
        try (RemoteModels registry = RemoteModels.open(settings, target.backend, request.get().identity(), soc);
             ModelStore store = ModelStore.open(root)) {
            Set<String> done = new HashSet<>();
            for (OpFile f : plans.stream().flatMap(p -> p.files().stream()).distinct().toList()) {
                String key = registry.key(f);
                if (!done.add(f.outputDirectory() + "/" + key)) {
                    continue;
                }
                Optional<Manifest.Entry> entry = store.manifest(f.set()).entry(f.fileName());
                Set<String> vouched = new HashSet<>();
                vouched.add(key);
                localIdentity.ifPresent(id -> vouched.add(CacheKey.of(f, soc, target.backend, id)));
                Optional<List<StoredModel>> models = entry.filter(e -> vouched.contains(e.key()))
                        .flatMap(e -> store.reusable(f, e.key(), Verification.HASH));
                if (entry.isEmpty()) {
                    notPublished.add(f.fileName() + ": the manifest has no entry for it (never generated here)");
                } else if (!vouched.contains(entry.get().key())) {
                    notPublished.add(f.fileName() + ": the manifest records it for another toolkit, SoC or backend");
                } else if (models.isEmpty()) {
                    notPublished.add(f.fileName() + ": its models are missing or changed since the manifest recorded them");
                } else {
                    RemoteModels.Published p = registry.publish(f, models.get(),
                            Duration.ofNanos((long) (entry.get().compileSeconds() * 1e9)));
                    counts.merge(p, 1, Integer::sum);
                    if (p == RemoteModels.Published.SKIPPED) {
                        notPublished.add(f.fileName() + ": the registry did not take it (see the warning above)");
                    }
                }
            }
        } catch (RemoteRegistryException e) {
            err.println("ivfsp publish: " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        } catch (OutputRefusedException | IllegalArgumentException e) {
            err.println("ivfsp publish: " + e.getMessage());
            return IvfspCli.INVALID;
        } catch (UncheckedIOException e) {
            err.println("ivfsp publish: " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
        notPublished.forEach(n -> err.println("NOT PUBLISHED " + n));
        out.println(counts.getOrDefault(RemoteModels.Published.PUBLISHED, 0) + " model contents published, "
                + counts.getOrDefault(RemoteModels.Published.ALREADY_PRESENT, 0) + " already there, "
                + counts.getOrDefault(RemoteModels.Published.DIFFERENT, 0) + " there with other bytes, "
                + notPublished.size() + " not published, to " + settings.uri());
        return notPublished.isEmpty() ? IvfspCli.OK : IvfspCli.COMPILE_FAILURE;
    }

    /** The identity a local compile recorded its manifest entries under, when this machine can tell. */
    private Optional<String> localIdentity() {
        if (target.backend.equals("mock")) {
            return Optional.of(MockOpCompiler.create().cacheIdentity());
        }
        AtcToolkit toolkit = target.toolkitDir == null ? AtcToolkit.discover(cli.environment())
                : AtcToolkit.at(cli.workingDirectory().resolve(target.toolkitDir));
        if (!toolkit.hasAtc()) {
            return Optional.empty();
        }
        return Optional.of(AtcCompiler.builder().toolkit(toolkit).build().cacheIdentity());
    }
}
