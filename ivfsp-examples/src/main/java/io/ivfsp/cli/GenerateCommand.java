package io.ivfsp.cli;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelInstaller;
import io.ivfsp.store.ModelStore;
import io.ivfsp.store.OutputRefusedException;
import io.ivfsp.store.Verification;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One generator subcommand: the flags of its reference script, plus ivfsp's own options. */
@Command(sortOptions = false, showDefaultValues = false)
final class GenerateCommand implements Callable<Integer> {

    static final String POOL_FLAG = "--pool";
    /** ivfsp's own options that take one integer (read like Python's int()). */
    private static final Set<String> INTEGER_OPTIONS = Set.of("--timeout", "--compile-workers");

    private final IvfspCli cli;
    private final Set<ModelSet> sets;
    private final ConfigOptions config;

    @Spec
    CommandSpec spec;

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

    @Option(names = "--verification", paramLabel = "<level>", order = 108, defaultValue = "size",
            description = "How reused models are checked: size (one stat each) or hash (SHA-256 of each). Default: ${DEFAULT-VALUE}.")
    String verification;

    @Option(names = "--batch", order = 112,
            description = "Let small single-op jobs of one set share one ATC run (pays ATC's start-up once), in batches"
                    + " chosen not to lengthen the run; every model is still checked.")
    boolean batch;

    @Option(names = "--compile-workers", paramLabel = "<n>", order = 113,
            description = "Compile workers per ATC process (TE_PARALLEL_COMPILER), 1 to 32. Default: the processors"
                    + " shared among the jobs that run at once, at least 1, so that they do not oversubscribe the machine.")
    String compileWorkers;

    @Option(names = "--prune", order = 109,
            description = "After a successful run, remove the models the manifests record that this plan no longer needs"
                    + " (never a file they do not record).")
    boolean prune;

    @Option(names = {"-q", "--quiet"}, order = 110, description = "Print only errors.")
    boolean quiet;

    @Option(names = "--json", order = 111, description = "Print a machine-readable summary (or plan) on stdout.")
    boolean json;

    GenerateCommand(IvfspCli cli, Set<ModelSet> sets, List<IvfspParameter> flags) {
        this.cli = cli;
        this.sets = Set.copyOf(sets);
        this.config = new ConfigOptions(flags);
    }

    /** Adds the reference script's flags, each with its default and allowed values, and --pool. */
    void addParameterOptions(CommandSpec commandSpec, boolean pool) {
        int order = config.addTo(commandSpec);
        commandSpec.usageMessage().footer("", config.severalConfigurationsHelp(), "",
                "Flags are read like the scripts' (Python argparse): unambiguous prefixes (-nl 2048), -d=512, -d512;"
                        + " the last of a repeated flag wins.",
                "", "Exit status: 0 success, 1 compile failure, 2 invalid usage or configuration.");
        if (pool) {
            commandSpec.addOption(OptionSpec.builder(POOL_FLAG).paramLabel("<pool_size>").type(String.class)
                    .defaultValue(String.valueOf(ModelGenerator.DEFAULT_PARALLELISM)).order(order)
                    .description("Compile jobs run at once: 1 to " + ModelGenerator.MAX_PARALLELISM
                            + ". Default: " + ModelGenerator.DEFAULT_PARALLELISM + ".")
                    .build());
        }
    }

    /**
     * The options as argparse would see them: help first, then the script's flags in its order,
     * then ivfsp's own in the order of the help. An option added later (picocli's spec) takes part
     * in prefix matching without further work: text unless listed as an integer here.
     */
    List<ScriptArguments.Option> argparseOptions() {
        List<ScriptArguments.Option> help = new ArrayList<>();
        List<ScriptArguments.Option> script = new ArrayList<>();
        List<ScriptArguments.Option> own = new ArrayList<>();
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparingInt(OptionSpec::order));
        for (OptionSpec o : options) {
            List<String> names = List.of(o.names());
            if (o.usageHelp()) {
                help.add(new ScriptArguments.Option(names, ScriptArguments.Kind.HELP, true));
            } else if (config.hasFlag(o.longestName())) {
                script.add(new ScriptArguments.Option(names, ScriptArguments.Kind.INT_LIST, true));
            } else if (o.longestName().equals(POOL_FLAG) && sets.contains(ModelSet.SERVICE)) {
                // the service script's flag (and so of all); the training script runs its jobs one by one
                script.add(new ScriptArguments.Option(names, ScriptArguments.Kind.INT, true));
            } else if (o.typeInfo().isBoolean()) {
                own.add(new ScriptArguments.Option(names, ScriptArguments.Kind.FLAG, false));
            } else {
                own.add(new ScriptArguments.Option(names, INTEGER_OPTIONS.contains(o.longestName())
                        || o.longestName().equals(POOL_FLAG)
                        ? ScriptArguments.Kind.INT : ScriptArguments.Kind.TEXT, false));
            }
        }
        help.addAll(script);
        help.addAll(own);
        return help;
    }

    /**
     * Runs this subcommand on the arguments after its name, read like the reference script's
     * argparse: help and errors as argparse gives them, then the options in canonical form
     * ({@code name=value}, once each) through picocli.
     */
    int execute(List<String> args) {
        CommandLine line = spec.commandLine();
        ScriptArguments.Result result = new ScriptArguments(argparseOptions()).parse(args);
        if (result instanceof ScriptArguments.Help) {
            line.usage(line.getOut());
            return IvfspCli.OK;
        }
        if (result instanceof ScriptArguments.Error e) {
            line.getErr().println("ivfsp " + spec.name() + ": error: " + e.message());
            line.getErr().println("Try 'ivfsp " + spec.name() + " --help'");
            return IvfspCli.INVALID;
        }
        List<String> canonical = new ArrayList<>(List.of(spec.name()));
        ((ScriptArguments.Parsed) result).values().forEach((option, value) -> {
            String name = option.names().get(option.names().size() - 1);
            canonical.add(value == null ? name : name + "=" + value);
        });
        return line.getParent().execute(canonical.toArray(String[]::new));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.name();
        if (quiet) {
            // Errors only: slf4j-simple reads its level when the first logger is made, which is after this
            // in the CLI's own JVM (nothing has logged yet).
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }

        List<String> problems = ConfigOptions.newProblems();
        List<IvfspConfig> configs = this.config.read(spec, sets, problems);
        OptionSpec poolOption = spec.findOption(POOL_FLAG);
        Integer pool = poolOption == null ? Integer.valueOf(ModelGenerator.DEFAULT_PARALLELISM)
                : bounded(POOL_FLAG, poolOption.getValue(), 1, ModelGenerator.MAX_PARALLELISM, problems);
        if (!verification.equals("size") && !verification.equals("hash")) {
            problems.add("--verification = " + verification + ": must be size or hash");
        }
        Integer workers = compileWorkers == null ? null : bounded("--compile-workers", compileWorkers, 1, 32, problems);
        Integer timeoutSeconds = timeout == null ? null
                : bounded("--timeout", timeout, 1, Integer.MAX_VALUE, problems);
        if (!problems.isEmpty()) {
            return ConfigOptions.reportInvalid(err, name, problems);
        }

        List<ModelPlan> plans = configs.stream().map(c -> OpCatalog.plan(c, sets)).toList();
        Optional<String> clash = config.nameClashes(configs, plans);
        if (clash.isPresent()) {
            err.println("ivfsp " + name + ": " + clash.get());
            return IvfspCli.INVALID;
        }
        Path root = outputRoot == null ? cli.workingDirectory() : cli.workingDirectory().resolve(outputRoot);
        List<String> locations = new ArrayList<>();
        Locations.unusableDirectory("-o/--output-root", root).ifPresent(locations::add);
        if (installTo != null && !plan) {
            Locations.unusableDirectory("--install-to", cli.workingDirectory().resolve(installTo)).ifPresent(locations::add);
        }
        if (!locations.isEmpty()) {
            locations.forEach(l -> err.println("ivfsp " + name + ": " + l));
            return IvfspCli.INVALID;
        }
        try {
            if (plan) {
                return writePlan(plans, root, out);
            }
            int[] exit = {IvfspCli.OK};
            Optional<Chosen> compiler = compiler(err, exit);
            if (compiler.isEmpty()) {
                return exit[0];
            }
            return generate(plans, root, compiler.get(), pool, workers, timeoutSeconds, out, err);
        } catch (OutputRefusedException | IllegalArgumentException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.INVALID;
        } catch (UncheckedIOException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
    }

    /** An integer option within min..max, or a problem naming it; the value is canonical after argparse. */
    private static Integer bounded(String flag, String raw, int min, int max, List<String> problems) {
        Optional<BigInteger> value = PythonInt.parse(raw);
        if (value.isEmpty() || value.get().compareTo(BigInteger.valueOf(min)) < 0
                || value.get().compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(flag + " = " + raw + ": must be " + (value.isEmpty() ? "an integer " : "") + "within "
                    + min + ".." + max);
            return null;
        }
        return value.get().intValue();
    }

    private int writePlan(List<ModelPlan> plans, Path root, PrintWriter out) {
        List<OpFile> files = plans.stream().flatMap(p -> p.files().stream()).distinct().toList();
        try (ModelStore store = ModelStore.open(root)) {
            for (ModelPlan p : plans) {
                store.prepare(p);
            }
            for (OpFile f : files) {
                store.writeJson(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JSON files under " + root + ": " + e.getMessage(), e);
        }
        if (json) {
            out.println(Reports.planJson(files, plans.get(0).config().socVersion(), root));
        } else if (!quiet) {
            out.print(Reports.planText(files));
            out.println(files.size() + " JSON files written to " + root.resolve(ModelStore.CONFIG_DIRECTORY)
                    + "; " + files.stream().mapToInt(f -> f.ops().size()).sum() + " models to compile for "
                    + plans.get(0).config().socVersion() + ".");
        }
        return IvfspCli.OK;
    }

    /** A compiler, and whether its backend was named (by flag, property or environment) rather than found by rank. */
    private record Chosen(OpCompiler compiler, boolean named) {
    }

    private AtcToolkit toolkit() {
        return toolkitDir == null ? AtcToolkit.discover(cli.environment())
                : AtcToolkit.at(cli.workingDirectory().resolve(toolkitDir));
    }

    /** The one backend choice: --backend, then ivfsp.compiler, then IVFSP_COMPILER, then rank. */
    private Optional<Chosen> compiler(PrintWriter err, int[] exit) {
        String name = spec.name();
        List<OpCompilerProvider> providers = Backends.providers(toolkit(), cli.environment());
        Optional<OpCompilers.Request> request = Backends.request(Optional.ofNullable(backend), cli.environment());
        boolean auto = request.map(OpCompilers.Request::isAuto).orElse(false);
        OpCompilerProvider provider;
        try {
            provider = OpCompilers.choose(request, providers);
        } catch (IllegalArgumentException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            exit[0] = IvfspCli.INVALID;
            return Optional.empty();
        } catch (IllegalStateException e) {
            Optional<OpCompilerProvider> simulated = providers.stream()
                    .filter(p -> p.isSimulated() && p.unavailableReason().isEmpty()).findFirst();
            if (auto && simulated.isPresent()) {
                if (!quiet || installTo != null) {
                    err.println("ivfsp " + name + ": no real compiler backend is available, so --backend auto uses '"
                            + simulated.get().name() + "':" + System.lineSeparator() + OpCompilers.describe(providers));
                }
                return Optional.of(new Chosen(simulated.get().create(), false));
            }
            err.println("ivfsp " + name + ": " + e.getMessage());
            err.println("To write the JSON files without compiling, run: ivfsp " + name + " --plan ...;"
                    + " to try the whole flow without a toolkit: --backend mock.");
            exit[0] = IvfspCli.COMPILE_FAILURE;
            return Optional.empty();
        }
        return Optional.of(new Chosen(provider.create(), request.isPresent() && !auto));
    }

    private int generate(List<ModelPlan> plans, Path root, Chosen chosen, int pool, Integer workers,
                         Integer timeoutSeconds, PrintWriter out, PrintWriter err) {
        OpCompiler compiler = chosen.compiler();
        if (compiler.isSimulated()) {
            if (installTo != null && !chosen.named()) {
                err.println("ivfsp " + spec.name() + ": --install-to " + installTo + ": refusing to install SIMULATED"
                        + " models (backend '" + compiler.name() + "', chosen because no real backend is available)"
                        + " into a runtime model directory; name the backend (--backend " + compiler.name()
                        + ") to install them anyway.");
                return IvfspCli.INVALID;
            }
            if (!quiet || installTo != null) {
                err.println("SIMULATED: backend '" + compiler.name() + "' writes stand-in .om files that no Ascend"
                        + " runtime can load" + (installTo != null ? ", and they are installed into " + installTo : "")
                        + "; install the CANN toolkit to compile for real.");
            }
        }
        Reports.JobClock clock = new Reports.JobClock();
        ProgressLine progress = ProgressLine.create(cli.terminal() ? cli.status(err) : null, err, quiet || json);
        ModelGenerator.Builder gb = ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(pool)
                .failFast(failFast).listener(clock.then(progress)).incremental(!rebuild).batching(batch)
                .verification(verification.equals("hash") ? Verification.HASH : Verification.SIZE);
        if (timeoutSeconds != null) {
            gb.jobTimeout(Duration.ofSeconds(timeoutSeconds));
        }
        if (workers != null) {
            gb.compileWorkers(workers);
        }
        ModelGenerator generator = gb.build();
        GenerationResult result;
        try {
            result = generator.generate(plans);
        } finally {
            progress.finish();
        }
        List<Path> pruned = prune && result.isSuccess() ? generator.prune(plans.toArray(ModelPlan[]::new)) : List.of();

        // Each failed job once (the generator's own warning is turned off by the CLI's logging set-up).
        result.failures().forEach(f -> err.println("FAILED " + f.describe()));
        List<Path> installed = List.of();
        if (installTo != null && result.isSuccess()) {
            try {
                installed = ModelInstaller.install(result.models(), cli.workingDirectory().resolve(installTo));
            } catch (IOException e) {
                err.println("ivfsp " + spec.name() + ": cannot install the models into " + installTo + ": " + e.getMessage());
                return IvfspCli.COMPILE_FAILURE;
            }
        }
        if (json) {
            out.println(Reports.resultJson(result, clock, installed, pruned));
        } else if (!quiet) {
            out.print(Reports.resultTable(result, clock));
            out.println(Reports.resultLine(result));
            if (prune) {
                out.println(pruned.size() + " models no longer needed were removed" + (pruned.isEmpty() ? "" : ":"));
                pruned.forEach(p -> out.println("  " + root.relativize(p)));
            }
        }
        if (!installed.isEmpty()) {
            Path dir = installed.get(0).getParent();
            if (!quiet && !json) {
                out.println(installed.size() + " models installed into " + dir);
            }
            if (!json) {
                out.println("export MX_INDEX_MODELPATH=" + dir);
            }
        }
        return result.isSuccess() ? IvfspCli.OK : IvfspCli.COMPILE_FAILURE;
    }
}
