package io.ivfsp.cli;

import io.ivfsp.atc.AtcCompiler;
import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.MockOpCompiler;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.BatchingMode;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** One generator subcommand: the flags of its reference script, plus ivfsp's own options. */
@Command(mixinStandardHelpOptions = true, sortOptions = false, showDefaultValues = false)
final class GenerateCommand implements Callable<Integer> {

    static final String POOL_FLAG = "--pool";
    private static final String AUTO = "auto";

    private final IvfspCli cli;
    private final Set<ModelSet> sets;
    private final ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(names = "--plan", order = 100,
            description = "Write config/*.json and print the plan (files, ops, shapes, output directories)"
                    + " without compiling; needs no toolkit.")
    boolean plan;

    @Option(names = "--backend", paramLabel = "<name>", order = 101, defaultValue = "atc",
            description = "Compiler backend: atc (CANN's ATC at $ASCEND_HOME/$ASCEND_VERSION/bin/atc), mock"
                    + " (simulated models, no toolkit needed), auto (atc when a toolkit is found, else mock)."
                    + " Default: ${DEFAULT-VALUE}.")
    String backend;

    @Option(names = "--toolkit", paramLabel = "<dir>", order = 102,
            description = "The CANN toolkit directory holding bin/atc. Default: $ASCEND_HOME/$ASCEND_VERSION"
                    + " (/usr/local/Ascend/ascend-toolkit/latest when unset).")
    Path toolkitDir;

    @Option(names = {"-o", "--output-root"}, paramLabel = "<dir>", order = 102,
            description = "Where config/, op_models/ and op_models_pyacl/ go. Default: the current directory.")
    Path outputRoot;

    @Option(names = "--install-to", paramLabel = "<dir>", order = 103,
            description = "After a successful run, copy every generated model into <dir> (the directory mxIndex"
                    + " reads) and print the export MX_INDEX_MODELPATH line.")
    Path installTo;

    @Option(names = "--timeout", paramLabel = "<seconds>", order = 104,
            description = "Kill a compile job that runs longer than this. Default: no limit.")
    Integer timeoutSeconds;

    @Option(names = "--fail-fast", order = 105,
            description = "Start no new job after the first failure. Default: keep going and report every failure.")
    boolean failFast;

    @Option(names = "--rebuild", order = 106,
            description = "Compile every model again, even those the manifest shows intact and up to date.")
    boolean rebuild;

    @Option(names = "--verification", paramLabel = "<level>", order = 107, defaultValue = "size",
            description = "How reused models are checked: size (one stat each) or hash (SHA-256 of each). Default: ${DEFAULT-VALUE}.")
    String verification;

    @Option(names = "--batch", negatable = true, order = 111,
            description = "Force (--batch) or forbid (--no-batch) small single-op jobs of one set sharing one ATC run"
                    + " (pays ATC's start-up once); every model is still checked. Default: only where the compile times"
                    + " the manifests recorded predict a shorter run.")
    Boolean batch;

    @Option(names = "--trace", paramLabel = "<file>", order = 113,
            description = "Write the run as Chrome trace events to <file> (open in Perfetto or chrome://tracing).")
    Path trace;

    @Option(names = "--compile-workers", paramLabel = "<n>", order = 112,
            description = "Compile workers per ATC process (TE_PARALLEL_COMPILER), 1 to 32. Default: the processors"
                    + " shared among the jobs that run at once, at least 1, so that they do not oversubscribe the machine.")
    Integer compileWorkers;

    @Option(names = "--prune", order = 108,
            description = "After a successful run, remove the models the manifests record that this plan no longer needs"
                    + " (never a file they do not record).")
    boolean prune;

    @Option(names = {"-q", "--quiet"}, order = 109, description = "Print only errors.")
    boolean quiet;

    @Option(names = "--json", order = 110, description = "Print a machine-readable summary (or plan) on stdout.")
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
                "Exit status: 0 success, 1 compile failure, 2 invalid usage or configuration.");
        if (pool) {
            commandSpec.addOption(OptionSpec.builder(POOL_FLAG).paramLabel("<pool_size>").type(int.class)
                    .defaultValue(String.valueOf(ModelGenerator.DEFAULT_PARALLELISM)).order(order)
                    .description("Compile jobs run at once: 1 to " + ModelGenerator.MAX_PARALLELISM
                            + ". Default: " + ModelGenerator.DEFAULT_PARALLELISM + ".")
                    .build());
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String name = spec.name();

        List<String> problems = ConfigOptions.newProblems();
        List<IvfspConfig> configs = this.config.read(spec, sets, problems);
        int pool = spec.findOption(POOL_FLAG) == null ? ModelGenerator.DEFAULT_PARALLELISM
                : spec.findOption(POOL_FLAG).<Integer>getValue();
        if (pool < 1 || pool > ModelGenerator.MAX_PARALLELISM) {
            problems.add(POOL_FLAG + " = " + pool + ": must be within 1.." + ModelGenerator.MAX_PARALLELISM);
        }
        if (!verification.equals("size") && !verification.equals("hash")) {
            problems.add("--verification = " + verification + ": must be size or hash");
        }
        if (compileWorkers != null && (compileWorkers < 1 || compileWorkers > 32)) {
            problems.add("--compile-workers = " + compileWorkers + ": must be within 1..32");
        }
        if (timeoutSeconds != null && timeoutSeconds <= 0) {
            problems.add("--timeout = " + timeoutSeconds + ": must be a positive number of seconds");
        }
        if (!problems.isEmpty()) {
            return ConfigOptions.reportInvalid(err, name, problems);
        }

        List<ModelPlan> plans = configs.stream().map(c -> OpCatalog.plan(c, sets)).toList();
        Path root = outputRoot == null ? cli.workingDirectory() : cli.workingDirectory().resolve(outputRoot);
        try {
            if (plan) {
                return writePlan(plans, root, out);
            }
            Optional<OpCompiler> compiler = compiler(err);
            if (compiler.isEmpty()) {
                return backendExists() ? IvfspCli.COMPILE_FAILURE : IvfspCli.INVALID;
            }
            return generate(plans, root, compiler.get(), pool, out, err);
        } catch (OutputRefusedException | IllegalArgumentException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.INVALID;
        } catch (UncheckedIOException e) {
            err.println("ivfsp " + name + ": " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
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

    private boolean backendExists() {
        return backend.equals("atc") || backend.equals(AUTO) || OpCompilers.provider(backend).isPresent();
    }

    private Optional<OpCompiler> compiler(PrintWriter err) {
        String name = spec.name();
        AtcToolkit toolkit = toolkitDir == null ? AtcToolkit.discover(cli.environment())
                : AtcToolkit.at(cli.workingDirectory().resolve(toolkitDir));
        if (backend.equals("atc") || (backend.equals(AUTO) && toolkit.hasAtc())) {
            if (!toolkit.hasAtc()) {
                err.println("ivfsp " + name + ": " + toolkit.missingAtcMessage() + ".");
                err.println("To write the JSON files without compiling, run: ivfsp " + name + " --plan ...;"
                        + " to try the whole flow without a toolkit: --backend mock.");
                return Optional.empty();
            }
            return Optional.of(AtcCompiler.builder().toolkit(toolkit).baseEnvironment(cli.environment()).build());
        }
        if (backend.equals(AUTO)) {
            return Optional.of(MockOpCompiler.create());
        }
        Optional<OpCompilerProvider> provider = OpCompilers.provider(backend);
        if (provider.isEmpty()) {
            err.println("ivfsp " + name + ": unknown backend '" + backend + "'; available: "
                    + OpCompilers.providers().stream().map(OpCompilerProvider::name).collect(Collectors.joining(", "))
                    + ", " + AUTO);
            return Optional.empty();
        }
        Optional<String> why = provider.get().unavailableReason();
        if (why.isPresent()) {
            err.println("ivfsp " + name + ": backend '" + backend + "' is unavailable: " + why.get());
            return Optional.empty();
        }
        return Optional.of(provider.get().create());
    }

    private int generate(List<ModelPlan> plans, Path root, OpCompiler compiler, int pool, PrintWriter out,
                         PrintWriter err) {
        if (compiler.isSimulated() && !quiet) {
            err.println("SIMULATED: backend '" + compiler.name() + "' writes stand-in .om files that no Ascend"
                    + " runtime can load; install the CANN toolkit to compile for real.");
        }
        Reports.JobClock clock = new Reports.JobClock();
        ProgressLine progress = new ProgressLine(err, cli.terminal() && !quiet && !json);
        ModelGenerator.Builder gb = ModelGenerator.builder().compiler(compiler).outputRoot(root).parallelism(pool)
                .failFast(failFast).listener(clock.then(progress)).incremental(!rebuild)
                .batching(batch == null ? BatchingMode.AUTO : batch ? BatchingMode.ALWAYS : BatchingMode.NEVER)
                .verification(verification.equals("hash") ? Verification.HASH : Verification.SIZE);
        if (timeoutSeconds != null) {
            gb.jobTimeout(Duration.ofSeconds(timeoutSeconds));
        }
        if (compileWorkers != null) {
            gb.compileWorkers(compileWorkers);
        }
        if (trace != null) {
            gb.trace(cli.workingDirectory().resolve(trace));
        }
        ModelGenerator generator = gb.build();
        GenerationResult result = generator.generate(plans);
        progress.finish();
        List<Path> pruned = prune && result.isSuccess() ? generator.prune(plans.toArray(ModelPlan[]::new)) : List.of();

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
