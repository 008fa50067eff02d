package io.ivfsp.cli;

import io.ivfsp.config.IvfspParameter;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A picocli subcommand that takes every configuration flag of the scripts ({@code verify},
 * {@code fetch}, {@code publish}): the CLI it belongs to, the flags, and where it prints.
 */
abstract class ConfigurationCommand implements Callable<Integer> {

    final IvfspCli cli;
    final ConfigOptions config = new ConfigOptions(List.of(IvfspParameter.values()));

    @Spec
    CommandSpec spec;

    ConfigurationCommand(IvfspCli cli) {
        this.cli = cli;
    }

    /** Adds the configuration flags, each with its default and allowed values. */
    void addParameterOptions(CommandSpec commandSpec) {
        config.addTo(commandSpec);
    }

    @Override
    public final Integer call() {
        return run(spec.commandLine().getOut(), spec.commandLine().getErr(), ConfigOptions.newProblems());
    }

    /**
     * Runs the command, printing to {@code out} and {@code err}; every invalid flag goes to {@code problems}
     * (naming the flag, the value and what is allowed).
     *
     * @return the exit status
     */
    abstract Integer run(PrintWriter out, PrintWriter err, List<String> problems);
}
