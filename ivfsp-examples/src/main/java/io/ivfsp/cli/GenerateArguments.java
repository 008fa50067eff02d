package io.ivfsp.cli;

import io.ivfsp.config.IvfspParameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How a generator subcommand reads its command line: like its reference script's argparse
 * ({@link ScriptArguments}), over explicit tables of its options, without picocli (whose reflective
 * model of a command was most of a warm run's start-up; it is built only to print help, and
 * {@code GeneratorOptionsTest} keeps these tables and its annotations in step).
 */
final class GenerateArguments {

    private GenerateArguments() {
    }

    /**
     * ivfsp's own options as the argparse-like reader sees them and keeps their values, in the order of the
     * help (the annotations' {@code order}); {@code --pool} and the script's flags are not among them.
     */
    static final ScriptCommandLine<GenerateCommand> OWN_OPTIONS = new ScriptCommandLine<>(Stream.concat(Stream.of(
            ScriptCommandLine.<GenerateCommand>flag("--plan", c -> c.plan = true),
            ScriptCommandLine.<GenerateCommand>text("--backend", (c, v) -> c.backend = v),
            ScriptCommandLine.<GenerateCommand>path(List.of("--toolkit"), (c, v) -> c.toolkitDir = v),
            ScriptCommandLine.<GenerateCommand>path(List.of("-o", "--output-root"), (c, v) -> c.outputRoot = v),
            ScriptCommandLine.<GenerateCommand>path(List.of("--install-to"), (c, v) -> c.installTo = v),
            ScriptCommandLine.<GenerateCommand>integer("--timeout", (c, v) -> c.timeout = v),
            ScriptCommandLine.<GenerateCommand>flag("--fail-fast", c -> c.failFast = true),
            ScriptCommandLine.<GenerateCommand>flag("--rebuild", c -> c.rebuild = true),
            ScriptCommandLine.<GenerateCommand>text("--verification", (c, v) -> c.verification = v),
            ScriptCommandLine.<GenerateCommand>flag("--prune", c -> c.prune = true),
            ScriptCommandLine.<GenerateCommand>flag("-q", "--quiet", c -> c.quiet = true),
            ScriptCommandLine.<GenerateCommand>flag("--json", c -> c.json = true),
            ScriptCommandLine.<GenerateCommand>flag("--batch", c -> c.batch = true),
            ScriptCommandLine.<GenerateCommand>flag("--no-batch", c -> c.noBatch = true),
            ScriptCommandLine.<GenerateCommand>integer("--compile-workers", (c, v) -> c.compileWorkers = v),
            ScriptCommandLine.<GenerateCommand>path(List.of("--trace"), (c, v) -> c.trace = v)),
            RemoteOptions.OPTIONS.stream().map(o -> o.<GenerateCommand>of(c -> c.remote))).toList());

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
        flags.forEach(p -> script.add(new ScriptArguments.Option(List.of(p.flag()), ScriptArguments.Kind.INT_LIST, true)));
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
        parsed.values().forEach((option, value) -> {
            if (option.scriptFlag() || option.names().equals(List.of(GenerateCommand.POOL_FLAG))) {
                scriptValues.put(option.names().get(0), value);
            }
        });
        OWN_OPTIONS.keep(parsed, command, problems);
    }
}
