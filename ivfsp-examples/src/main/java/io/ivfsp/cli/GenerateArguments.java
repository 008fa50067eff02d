package io.ivfsp.cli;

import io.ivfsp.config.IvfspParameter;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.generate.ModelGeneratorBuilder;
import io.ivfsp.store.Verification;
import io.ivfsp.remote.RemoteSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How a generator subcommand reads its command line: like its reference script's argparse
 * ({@link ScriptArguments}), over explicit tables of its options, without picocli (whose reflective
 * model of a command was most of a warm run's start-up; it is built only to print help, and
 * {@code GeneratorOptionsTest} keeps these tables and its annotations in step), and the generator that
 * what it read describes.
 */
final class GenerateArguments {

    private GenerateArguments() {
    }

    /**
     * ivfsp's own options as the argparse-like reader sees them and keeps their values, in the order of the
     * help (the annotations' {@code order}); {@code --pool} and the script's flags are not among them.
     */
    static final ScriptCommandLine<GenerateCommand> OWN_OPTIONS = new ScriptCommandLine<>(ownOptions(), new Fields());

    private static List<ScriptCommandLine.Own> ownOptions() {
        List<ScriptCommandLine.Own> own = new ArrayList<>(List.of(
                ScriptCommandLine.flag("--plan"),
                ScriptCommandLine.text("--backend"),
                ScriptCommandLine.path(List.of("--toolkit")),
                ScriptCommandLine.path(List.of("-o", "--output-root")),
                ScriptCommandLine.path(List.of("--install-to")),
                ScriptCommandLine.integer("--timeout"),
                ScriptCommandLine.flag("--fail-fast"),
                ScriptCommandLine.flag("--rebuild"),
                ScriptCommandLine.text("--verification"),
                ScriptCommandLine.flag("--prune"),
                ScriptCommandLine.flag("-q", "--quiet"),
                ScriptCommandLine.flag("--json"),
                ScriptCommandLine.flag("--batch"),
                ScriptCommandLine.flag("--no-batch"),
                ScriptCommandLine.integer("--compile-workers"),
                ScriptCommandLine.path(List.of("--trace"))));
        own.addAll(RemoteOptions.OPTIONS);
        return own;
    }

    /** Keeps the value of one of {@link #OWN_OPTIONS}, named by its long name, in the command's field. */
    private static final class Fields implements ScriptCommandLine.Setter<GenerateCommand> {
        @Override
        public void set(GenerateCommand c, String option, String value) {
            switch (option) {
                case "--plan" -> c.plan = true;
                case "--backend" -> c.backend = value;
                case "--toolkit" -> c.toolkitDir = ScriptCommandLine.path(option, value);
                case "--output-root" -> c.outputRoot = ScriptCommandLine.path(option, value);
                case "--install-to" -> c.installTo = ScriptCommandLine.path(option, value);
                case "--timeout" -> c.timeout = value;
                case "--fail-fast" -> c.failFast = true;
                case "--rebuild" -> c.rebuild = true;
                case "--verification" -> c.verification = value;
                case "--prune" -> c.prune = true;
                case "--quiet" -> c.quiet = true;
                case "--json" -> c.json = true;
                case "--batch" -> c.batch = true;
                case "--no-batch" -> c.noBatch = true;
                case "--compile-workers" -> c.compileWorkers = value;
                case "--trace" -> c.trace = ScriptCommandLine.path(option, value);
                default -> c.remote.set(option, value);
            }
        }
    }

    /**
     * The options as the script's argparse would see them: help first, then the script's flags in its order,
     * then ivfsp's own in the order of the help.
     *
     * @param hasPool          whether the subcommand has --pool
     * @param poolIsScriptFlag whether --pool is the script's own (the service script's; the training script runs
     *                         its jobs one by one, so there --pool is ivfsp's, first of its own)
     */
    static List<ScriptArguments.Option> options(List<IvfspParameter> flags, boolean hasPool, boolean poolIsScriptFlag) {
        List<ScriptArguments.Option> script = new ArrayList<>();
        script.add(new ScriptArguments.Option(List.of("-h", "--help"), ScriptArguments.Kind.HELP, true));
        for (IvfspParameter p : flags) {
            script.add(new ScriptArguments.Option(List.of(p.flag()), ScriptArguments.Kind.INT_LIST, true));
        }
        if (hasPool) {
            script.add(new ScriptArguments.Option(List.of(GenerateCommand.POOL_FLAG), ScriptArguments.Kind.INT,
                    poolIsScriptFlag));
        }
        return OWN_OPTIONS.after(script);
    }

    /**
     * Keeps what {@code parsed} gives: the script's flags and --pool as text in {@code scriptValues}, by name,
     * ivfsp's own options in {@code command}'s fields; a value that cannot be kept is added to {@code problems}.
     */
    static void keep(ScriptArguments.Parsed parsed, GenerateCommand command, Map<String, String> scriptValues,
                     List<String> problems) {
        for (Map.Entry<ScriptArguments.Option, String> value : parsed.values().entrySet()) {
            ScriptArguments.Option option = value.getKey();
            if (option.scriptFlag() || option.names().equals(List.of(GenerateCommand.POOL_FLAG))) {
                scriptValues.put(option.names().get(0), value.getValue());
            }
        }
        OWN_OPTIONS.keep(parsed, command, problems);
    }

    /**
     * The generator {@code command}'s options describe, writing into {@code root}, with the values checked
     * before: {@code --pool}, {@code --compile-workers}, {@code --timeout} (each null when not given) and the
     * registry's settings; a relative {@code --trace} is resolved against {@code workingDirectory}.
     */
    static ModelGeneratorBuilder generator(GenerateCommand command, Path root, Integer pool, Integer workers,
                                           Integer timeoutSeconds, Optional<RemoteSettings> remote,
                                           Path workingDirectory) {
        ModelGeneratorBuilder generator = ModelGenerator.builder().outputRoot(root).failFast(command.failFast)
                .incremental(!command.rebuild)
                .verification(command.verification.equals("hash") ? Verification.HASH : Verification.STAT);
        // (ifs, not Optional.ofNullable(pool).ifPresent(generator::parallelism): a method reference is linked at
        // every start, given or not)
        if (pool != null) {
            generator.parallelism(pool);
        }
        if (workers != null) {
            generator.compileWorkers(workers);
        }
        if (timeoutSeconds != null) {
            generator.jobTimeout(Duration.ofSeconds(timeoutSeconds));
        }
        if (remote.isPresent()) {
            generator.remote(remote.get());
        }
        if (command.trace != null) {
            generator.trace(workingDirectory.resolve(command.trace));
        }
        if (command.batch || command.noBatch) {
            generator.batching(command.batch);
        }
        return generator;
    }
}
