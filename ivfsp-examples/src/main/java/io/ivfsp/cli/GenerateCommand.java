package io.ivfsp.cli;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.remote.RemoteRegistryException;
import io.ivfsp.remote.RemoteSettings;
import io.ivfsp.store.OutputRefusedException;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;

/** One generator subcommand: the flags of its reference script, plus ivfsp's own options. */
@Command(sortOptions = false, showDefaultValues = false)
final class GenerateCommand {

    static final String POOL_FLAG = "--pool";

    private final IvfspCli cli;
    private final String name;
    private final String description;
    private final Set<ModelSet> sets;
    private final ConfigOptions config;
    private final boolean hasPool;
    /** The script's flags and --pool as given, by name; those not given have their defaults. */
    private final Map<String, String> scriptValues = new HashMap<>();

    @Option(names = {"-h", "--help"}, usageHelp = true, order = 99, description = "Show this help message and exit.")
    boolean help;

    @Option(names = "--plan", order = 100,
            description = "Write config/*.json and print the plan (files, ops, shapes, output directories)"
                    + " without compiling; needs no toolkit.")
    boolean plan;

    @Option(names = "--backend", paramLabel = "<name>", order = 101,
            description = "Compiler backend: atc (CANN's ATC at $ASCEND_HOME/$ASCEND_VERSION/bin/atc), native"
                    + " (in-process ATC), mock (simulated models, no toolkit needed), auto (the available real backend"
                    + " of highest rank, else the mock, saying so). Default: the system property ivfsp.compiler, then"
                    + " $IVFSP_COMPILER, then the available real backend of highest rank.")
    String backend;

    @Option(names = "--toolkit", paramLabel = "<dir>", order = 102,
            description = "The CANN toolkit directory holding bin/atc. Default: $ASCEND_HOME/$ASCEND_VERSION"
                    + " (/usr/local/Ascend/ascend-toolkit/latest when unset).")
    Path toolkitDir;

    @Option(names = {"-o", "--output-root"}, paramLabel = "<dir>", order = 103,
            description = "Where config/, op_models/ and op_models_pyacl/ go. Default: the current directory.")
    Path outputRoot;

    @Option(names = "--install-to", paramLabel = "<dir>", order = 104,
            description = "After a successful run, copy every generated model into <dir> (the directory mxIndex"
                    + " reads) and print the export MX_INDEX_MODELPATH line.")
    Path installTo;

    @Option(names = "--timeout", paramLabel = "<seconds>", order = 105,
            description = "Kill a compile job that runs longer than this, 1 to " + Integer.MAX_VALUE + ". Default: no limit.")
    String timeout;

    @Option(names = "--fail-fast", order = 106,
            description = "Start no new job after the first failure. Default: keep going and report every failure.")
    boolean failFast;

    @Option(names = "--rebuild", order = 107,
            description = "Compile every model again, even those the manifest shows intact and up to date.")
    boolean rebuild;

    @Option(names = "--verification", paramLabel = "<level>", order = 108, defaultValue = DEFAULT_VERIFICATION,
            description = "How reused models are checked: stat (trust a model whose size, modification time and inode"
                    + " match what the manifest recorded; SHA-256 of the others) or hash (SHA-256 of each). Default: ${DEFAULT-VALUE}.")
    String verification = DEFAULT_VERIFICATION;
    private static final String DEFAULT_VERIFICATION = "stat";

    // Two flags, not a picocli negatable option: the argparse-like reader knows each name as written.
    @Option(names = "--batch", order = 112,
            description = "Force small single-op jobs of one set to share one ATC run (pays ATC's start-up once); every"
                    + " model is still checked. Default: only where the compile times the manifests recorded predict a"
                    + " shorter run.")
    boolean batch;

    @Option(names = "--no-batch", order = 112,
            description = "One ATC run per JSON file, as the scripts do.")
    boolean noBatch;

    @Option(names = "--trace", paramLabel = "<file>", order = 114,
            description = "Write the run as Chrome trace events to <file> (open in Perfetto or chrome://tracing).")
    Path trace;

    @Option(names = "--compile-workers", paramLabel = "<n>", order = 113,
            description = "Compile workers per ATC process (TE_PARALLEL_COMPILER), 1 to 32. Default: the processors"
                    + " shared among the jobs that run at once, at least 1, so that they do not oversubscribe the machine.")
    String compileWorkers;

    @Option(names = "--prune", order = 109,
            description = "After a successful run, remove the models the manifests record that this plan no longer needs"
                    + " (never a file they do not record).")
    boolean prune;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Option(names = {"-q", "--quiet"}, order = 110, description = "Print only errors.")
    boolean quiet;

    @Option(names = "--json", order = 111, description = "Print a machine-readable summary (or plan) on stdout.")
    boolean json;

    GenerateCommand(IvfspCli cli, String name, String description, Set<ModelSet> sets, List<IvfspParameter> flags,
                    boolean pool) {
        this.cli = cli;
        this.name = name;
        this.description = description;
        this.sets = Set.copyOf(sets);
        this.config = new ConfigOptions(flags);
        this.hasPool = pool;
    }

    String description() {
        return description;
    }

    /** Adds the reference script's flags, each with its default and allowed values, and --pool. */
    void addParameterOptions(CommandSpec commandSpec) {
        int order = config.addTo(commandSpec);
        commandSpec.usageMessage().footer("", config.severalConfigurationsHelp(), "",
                "Flags are read like the scripts' (Python argparse): unambiguous prefixes (-nl 2048), -d=512, -d512;"
                        + " the last of a repeated flag wins.",
                "", "Exit status: 0 success, 1 compile failure, 2 invalid usage or configuration.");
        if (hasPool) {
            commandSpec.addOption(OptionSpec.builder(POOL_FLAG).paramLabel("<pool_size>").type(String.class)
                    .defaultValue(String.valueOf(ModelGenerator.DEFAULT_PARALLELISM)).order(order)
                    .description("Compile jobs run at once: 1 to " + ModelGenerator.MAX_PARALLELISM
                            + ". Default: " + ModelGenerator.DEFAULT_PARALLELISM + ".")
                    .build());
        }
    }

    /** The options as the script's argparse would see them; see {@link GenerateArguments#options}. */
    List<ScriptArguments.Option> argparseOptions() {
        return GenerateArguments.options(config.flags(), hasPool, sets.contains(ModelSet.SERVICE));
    }

    /**
     * Runs this subcommand on the arguments after its name, read like the reference script's argparse: help
     * and errors as argparse gives them (the error as one line plus where to look). picocli is built only
     * to print help.
     */
    int execute(PrintWriter out, PrintWriter err, List<String> args) {
        ScriptArguments.Result result = new ScriptArguments(argparseOptions()).parse(args);
        if (result instanceof ScriptArguments.Help) {
            cli.commandLine(out, err).getSubcommands().get(name).usage(out);
            return IvfspCli.OK;
        }
        if (result instanceof ScriptArguments.Error e) {
            err.println("ivfsp " + name + ": error: " + e.message());
            err.println("Try 'ivfsp " + name + " --help'");
            return IvfspCli.INVALID;
        }
        List<String> problems = ConfigOptions.newProblems();
        GenerateArguments.keep((ScriptArguments.Parsed) result, this, scriptValues, problems);
        return run(out, err, problems);
    }

    private int run(PrintWriter out, PrintWriter err, List<String> problems) {
        if (quiet) {
            // Errors only: slf4j-simple reads its level when the first logger is made, which is after this
            // in the CLI's own JVM (nothing has logged yet).
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        List<IvfspConfig> configs = this.config.read(scriptValues, sets, problems);
        Integer pool = !hasPool ? null : ConfigOptions.bounded(POOL_FLAG, scriptValues.getOrDefault(POOL_FLAG,
                String.valueOf(ModelGenerator.DEFAULT_PARALLELISM)), 1, ModelGenerator.MAX_PARALLELISM, problems);
        if (batch && noBatch) {
            problems.add("--batch and --no-batch: choose one");
        }
        // "size", the former name of the default, is still understood: stat checks more than size did.
        if (!verification.equals("stat") && !verification.equals("hash") && !verification.equals("size")) {
            problems.add("--verification = " + verification + ": must be stat or hash");
        }
        if (backend != null && !Backends.isName(backend)) {
            // An explicit value, even an empty one, is checked like any other (the library reads a blank name as none),
            // and before --plan, which needs no backend: a typo is not silently ignored.
            problems.add("--backend = " + PythonInt.repr(backend) + ": must be one of " + String.join(", ", Backends.names()));
        }
        Integer workers = compileWorkers == null ? null
                : ConfigOptions.bounded("--compile-workers", compileWorkers, 1, ModelGenerator.MAX_COMPILE_WORKERS, problems);
        Integer timeoutSeconds = timeout == null ? null
                : ConfigOptions.bounded("--timeout", timeout, 1, Integer.MAX_VALUE, problems);
        Optional<RemoteSettings> remoteSettings = remote.settings(cli.environment(), cli.workingDirectory(), err, name, false, problems);
        if (!problems.isEmpty()) {
            return ConfigOptions.reportInvalid(err, name, problems);
        }

        List<ModelPlan> plans = new ArrayList<>();
        for (IvfspConfig c : configs) {
            plans.add(OpCatalog.plan(c, sets));
        }
        Optional<String> clash = config.nameClashes(configs, plans);
        if (clash.isPresent()) {
            err.println("ivfsp " + name + ": " + clash.get());
            return IvfspCli.INVALID;
        }
        Path root = outputRoot == null ? cli.workingDirectory() : cli.workingDirectory().resolve(outputRoot);
        List<String> locations = new ArrayList<>();
        Locations.checkDirectory("-o/--output-root", root, locations);
        if (installTo != null && !plan) {
            Locations.checkDirectory("--install-to", cli.workingDirectory().resolve(installTo), locations);
        }
        if (!locations.isEmpty()) {
            locations.forEach(l -> err.println("ivfsp " + name + ": " + l));
            return IvfspCli.INVALID;
        }
        GenerateOutput output = new GenerateOutput(name, out, err, quiet, json);
        try {
            if (plan) {
                return output.plan(plans, root);
            }
            Backends.Choice choice = Backends.choose(name, Optional.ofNullable(backend), toolkit(), cli.environment(),
                    !quiet || installTo != null, err);
            if (choice.compiler().isEmpty()) {
                return choice.exit();
            }
            ModelGeneratorBuilder generator = GenerateArguments.generator(this, root, pool, workers, timeoutSeconds,
                    remoteSettings, cli.workingDirectory());
            return generate(plans, root, choice, generator, output, err);
        } catch (OutputRefusedException | IllegalArgumentException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.INVALID;
        } catch (UncheckedIOException | RemoteRegistryException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
    }

    private AtcToolkit toolkit() {
        return toolkitDir == null ? AtcToolkit.discover(cli.environment())
                : AtcToolkit.at(cli.workingDirectory().resolve(toolkitDir));
    }

    /** Runs the generator the options describe with the chosen compiler; installs, prunes and reports. */
    private int generate(List<ModelPlan> plans, Path root, Backends.Choice chosen, ModelGeneratorBuilder options,
                         GenerateOutput output, PrintWriter err) {
        OpCompiler compiler = chosen.compiler().orElseThrow();
        if (compiler.isSimulated() && !output.simulatedAccepted(compiler, chosen.named(), installTo)) {
            return IvfspCli.INVALID;
        }
        Path installDir = installTo == null ? null : cli.workingDirectory().resolve(installTo);
        Optional<String> uninstallable = installDir == null ? Optional.empty()
                : Locations.uninstallable(plans, installDir).map(why -> "--install-to " + installTo + ": " + why);
        if (uninstallable.isPresent()) {
            err.println("ivfsp " + name + ": " + uninstallable.get());
            return IvfspCli.INVALID;
        }
        Reports.JobClock clock = new Reports.JobClock();
        ProgressLine progress = ProgressLine.create(cli.terminal() ? cli.status(err) : null, err, quiet || json);
        ModelGenerator generator = options.compiler(compiler).listener(clock.then(progress)).build();
        GenerationResult result;
        try {
            result = generator.generate(plans);
        } finally {
            progress.finish();
        }
        List<Path> pruned = prune && result.isSuccess() ? generator.prune(plans.toArray(ModelPlan[]::new)) : List.of();
        return output.finish(result, clock, root, installTo, installDir, prune, pruned);
    }
}
