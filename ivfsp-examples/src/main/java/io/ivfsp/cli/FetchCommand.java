package io.ivfsp.cli;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.json.JsonWriter;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.remote.MissingModelsException;
import io.ivfsp.remote.RemoteModels;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;
import io.ivfsp.store.StoredModel;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code ivfsp fetch}: installs a configuration's models from the registry, without a toolkit. */
@Command(name = "fetch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Installs a configuration's models from the shared registry into op_models/ and op_models_pyacl/,"
                + " as a compile would, for nodes with only the CANN runtime (no ATC).",
                "Every model is checked (size, SHA-256) before it is moved into place; when any is missing or bad,"
                + " nothing is installed."},
        footer = {"", "Exit status: 0 every model installed, 1 a model is missing or the registry fails, 2 invalid usage."})
final class FetchCommand extends ConfigurationCommand {

    @Mixin
    RemoteOptions remote;

    @Mixin
    RegistryTarget target;

    @Option(names = "--json", order = 105, description = "Print a machine-readable summary on stdout.")
    boolean json;

    FetchCommand(IvfspCli cli) {
        super(cli);
    }

    @Override
    Integer run(PrintWriter out, PrintWriter err, List<String> problems) {
        Optional<RegistryTarget.Request> request = target.read(cli, spec, config, remote, err, problems);
        if (request.isEmpty()) {
            return ConfigOptions.reportInvalid(err, "fetch", problems);
        }
        List<ModelPlan> plans = request.get().plans();
        List<IvfspConfig> configs = plans.stream().map(ModelPlan::config).toList();
        RemoteSettings settings = request.get().settings();
        List<OpFile> files = plans.stream().flatMap(p -> p.files().stream()).distinct().toList();
        Path root = target.root(cli);
        String soc = request.get().socVersion();
        List<StoredModel> installed;
        try (RemoteModels registry = RemoteModels.open(settings, target.backend,
                request.get().identity(), soc);
             ModelStore store = ModelStore.open(root)) {
            for (ModelPlan p : plans) {
                store.prepare(p);
            }
            installed = registry.fetchAll(files, store);
            for (OpFile f : files) {
                store.writeJson(f);
            }
        } catch (MissingModelsException e) {
            err.println("ivfsp fetch: " + e.missing().size() + " of the models of " + describe(configs) + " are not in "
                    + settings.uri() + " (nothing was installed):");
            for (MissingModelsException.Missing m : e.missing()) {
                err.println("  " + m.file().fileName() + " (" + m.file().set().cliName() + ", key " + m.key() + "): "
                        + m.reason());
            }
            err.println("Compile them on a node with the toolkit: ivfsp all --remote " + settings.uri() + " ...");
            return IvfspCli.COMPILE_FAILURE;
        } catch (RemoteRegistryException e) {
            err.println("ivfsp fetch: " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        } catch (OutputRefusedException | IllegalArgumentException e) {
            err.println("ivfsp fetch: " + e.getMessage());
            return IvfspCli.INVALID;
        } catch (IOException | UncheckedIOException e) {
            err.println("ivfsp fetch: " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("registry", settings.uri().toString());
            m.put("output_root", root.toString());
            m.put("models", installed.stream().map(s -> root.relativize(s.path()).toString()).toList());
            out.println(JsonWriter.write(m));
        } else {
            out.println(installed.size() + " models of " + describe(configs) + " fetched from " + settings.uri()
                    + " into " + root);
        }
        return IvfspCli.OK;
    }

    /** The configurations as their flags, e.g. {@code -nlist 1024 -p 0}: what a user typed. */
    static String describe(List<IvfspConfig> configs) {
        List<String> parts = new ArrayList<>();
        for (IvfspConfig c : configs) {
            List<String> flags = new ArrayList<>();
            for (IvfspParameter p : IvfspParameter.values()) {
                flags.add(p.flag() + " " + c.get(p));
            }
            parts.add(String.join(" ", flags));
        }
        return (configs.size() == 1 ? "configuration " : "configurations ") + String.join("; ", parts);
    }
}
