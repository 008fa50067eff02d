package io.ivfsp.cli;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * A generator subcommand's command line read like its reference script's argparse
 * ({@link ScriptArguments}), then run through picocli in canonical form. The options come from the
 * subcommand's picocli spec, so an option added there (say {@code --remote URL}) takes part in
 * prefix matching without further work: as text, unless it is a flag or listed as an integer.
 */
final class ScriptCommandLine {

    private ScriptCommandLine() {
    }

    /**
     * The options in argparse's order: help first, then the script's flags in its order, then ivfsp's
     * own in the order of the help.
     *
     * @param configFlag       whether a name is one of the script's configuration flags (comma lists of integers)
     * @param poolIsScriptFlag whether {@code --pool} is the script's own flag (the service script's)
     * @param integerOptions   ivfsp's own options that take one integer
     */
    static List<ScriptArguments.Option> options(CommandSpec spec, Predicate<String> configFlag, boolean poolIsScriptFlag,
                                                Set<String> integerOptions) {
        List<ScriptArguments.Option> help = new ArrayList<>();
        List<ScriptArguments.Option> script = new ArrayList<>();
        List<ScriptArguments.Option> own = new ArrayList<>();
        List<OptionSpec> options = new ArrayList<>(spec.options());
        options.sort(Comparator.comparingInt(OptionSpec::order));
        for (OptionSpec o : options) {
            List<String> names = List.of(o.names());
            String name = o.longestName();
            if (o.usageHelp()) {
                help.add(new ScriptArguments.Option(names, ScriptArguments.Kind.HELP, true));
            } else if (configFlag.test(name)) {
                script.add(new ScriptArguments.Option(names, ScriptArguments.Kind.INT_LIST, true));
            } else if (name.equals(GenerateCommand.POOL_FLAG)) {
                // the training script runs its jobs one by one: there --pool is ivfsp's own
                (poolIsScriptFlag ? script : own).add(new ScriptArguments.Option(names, ScriptArguments.Kind.INT,
                        poolIsScriptFlag));
            } else if (o.typeInfo().isBoolean()) {
                own.add(new ScriptArguments.Option(names, ScriptArguments.Kind.FLAG, false));
            } else {
                own.add(new ScriptArguments.Option(names, integerOptions.contains(name)
                        ? ScriptArguments.Kind.INT : ScriptArguments.Kind.TEXT, false));
            }
        }
        help.addAll(script);
        help.addAll(own);
        return help;
    }

    /**
     * Runs the subcommand of {@code spec} on {@code args}: help and errors as argparse gives them
     * (the error as one line plus where to look), else the options in canonical form
     * ({@code name=value}, the last value of each, once) through picocli.
     *
     * @return the exit status
     */
    static int execute(CommandSpec spec, List<ScriptArguments.Option> options, List<String> args) {
        CommandLine line = spec.commandLine();
        ScriptArguments.Result result = new ScriptArguments(options).parse(args);
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
        // Through the parent: picocli cannot execute a subcommand's CommandLine on its own.
        return line.getParent().execute(canonical.toArray(String[]::new));
    }
}
