package io.ivfsp.cli;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteSettings;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * What {@code fetch} and {@code publish} move between an output root and the registry: which sets,
 * which root, and whose models (backend and CANN version).
 */
final class RegistryTarget {

    @Option(names = "--sets", paramLabel = "<set>", split = ",", order = 100, defaultValue = "service,aicpu,training",
            description = "The model sets, among service, aicpu, training. Default: ${DEFAULT-VALUE}.")
    List<String> sets;

    @Option(names = {"-o", "--output-root"}, paramLabel = "<dir>", order = 101,
            description = "The output root of config/, op_models/ and op_models_pyacl/. Default: the current directory.")
    Path outputRoot;

    @Option(names = "--cann-version", paramLabel = "<version>", order = 102,
            description = "The CANN version the models are for: the Version= value of opp/version.info."
                    + " Default: read from --toolkit, else $ASCEND_HOME/$ASCEND_VERSION.")
    String cannVersion;

    @Option(names = "--toolkit", paramLabel = "<dir>", order = 103,
            description = "The CANN runtime or toolkit directory holding opp/version.info."
                    + " Default: $ASCEND_HOME/$ASCEND_VERSION.")
    Path toolkitDir;

    @Option(names = "--backend", paramLabel = "<name>", order = 104, defaultValue = "atc",
            description = "Whose models: atc, or mock (simulated models, for trying the flow). Default: ${DEFAULT-VALUE}.")
    String backend;

    /** The sets named by {@code --sets}; each bad name is added to {@code problems}. */
    Set<ModelSet> sets(List<String> problems) {
        return ModelSetsOption.read(sets, problems);
    }

    /** The output root, resolved against the working directory. */
    Path root(IvfspCli cli) {
        return outputRoot == null ? cli.workingDirectory() : cli.workingDirectory().resolve(outputRoot);
    }

    /** The registry identity of the models; see {@link RemoteOptions#identity}. */
    Optional<String> identity(IvfspCli cli, List<String> problems) {
        return RemoteOptions.identity(backend, cannVersion, toolkitDir, cli, problems);
    }

    /** What {@code fetch} and {@code publish} act on: the plans, the registry and whose models. */
    record Request(List<ModelPlan> plans, RemoteSettings settings, String identity) {
        String socVersion() {
            return plans.get(0).config().socVersion();
        }
    }

    /**
     * Reads the sets, the configuration flags, the registry options and the identity of a registry
     * command, in that order; every problem is added to {@code problems}.
     *
     * @return the request, or empty when there was a problem
     */
    Optional<Request> read(IvfspCli cli, CommandSpec spec, ConfigOptions config, RemoteOptions remote, PrintWriter err,
                           List<String> problems) {
        Set<ModelSet> chosen = sets(problems);
        List<IvfspConfig> configs = config.read(spec, chosen, problems);
        Optional<RemoteSettings> settings = remote.settings(cli.environment(), cli.workingDirectory(), err, spec.name(),
                true, problems);
        Optional<String> identity = identity(cli, problems);
        if (!problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Request(configs.stream().map(c -> OpCatalog.plan(c, chosen)).toList(), settings.get(),
                identity.get()));
    }
}
