package io.ivfsp.cli;

import io.ivfsp.config.ConfigViolation;
import io.ivfsp.config.InvalidConfigException;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The configuration flags of a subcommand (the reference scripts' own), added to its spec and read back. */
final class ConfigOptions {

    private final List<IvfspParameter> flags;

    ConfigOptions(List<IvfspParameter> flags) {
        this.flags = List.copyOf(flags);
    }

    /** Adds one option per flag, each with its default and allowed values; returns the next option order. */
    int addTo(CommandSpec spec) {
        int order = 0;
        for (IvfspParameter p : flags) {
            spec.addOption(OptionSpec.builder(p.flag()).paramLabel("<" + p.property() + ">").type(int.class)
                    .defaultValue(String.valueOf(p.defaultValue())).order(order++)
                    .description(Character.toUpperCase(p.description().charAt(0)) + p.description().substring(1)
                            + ": " + p.allowed() + ". Default: " + p.defaultValue() + ".")
                    .build());
        }
        return order;
    }

    /**
     * The configuration the flags give, checked for {@code sets}; every violation is added to
     * {@code problems} and the result is then empty.
     */
    Optional<IvfspConfig> read(CommandSpec spec, Set<ModelSet> sets, List<String> problems) {
        IvfspConfig.Builder builder = IvfspConfig.builder();
        for (IvfspParameter p : flags) {
            builder.set(p, spec.findOption(p.flag()).<Integer>getValue());
        }
        try {
            return Optional.of(builder.buildFor(sets));
        } catch (InvalidConfigException e) {
            e.violations().stream().map(ConfigViolation::message).forEach(problems::add);
            return Optional.empty();
        }
    }

    /** Prints the problems as one block; returns {@link IvfspCli#INVALID}. */
    static int reportInvalid(PrintWriter err, String command, List<String> problems) {
        err.println("ivfsp " + command + ": invalid configuration (" + problems.size()
                + (problems.size() == 1 ? " problem):" : " problems):"));
        problems.forEach(p -> err.println("  " + p));
        return IvfspCli.INVALID;
    }

    static List<String> newProblems() {
        return new ArrayList<>();
    }
}
