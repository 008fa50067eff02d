package io.ivfsp.cli;

import io.ivfsp.config.ConfigViolation;
import io.ivfsp.config.InvalidConfigException;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration flags of a subcommand (the reference scripts' own), added to its spec and read
 * back. A flag may take a comma-separated list to describe several configurations at once
 * ({@code -nlist 1024,2048 -p 0,1}); a single value applies to all of them.
 */
final class ConfigOptions {

    private final List<IvfspParameter> flags;

    ConfigOptions(List<IvfspParameter> flags) {
        this.flags = List.copyOf(flags);
    }

    /** Adds one option per flag, each with its default and allowed values; returns the next option order. */
    int addTo(CommandSpec spec) {
        int order = 0;
        for (IvfspParameter p : flags) {
            spec.addOption(OptionSpec.builder(p.flag()).paramLabel("<" + p.property() + ">").type(String.class)
                    .defaultValue(String.valueOf(p.defaultValue())).order(order++)
                    .description(Character.toUpperCase(p.description().charAt(0)) + p.description().substring(1)
                            + ": " + p.allowed() + ". Default: " + p.defaultValue() + ".")
                    .build());
        }
        return order;
    }

    /**
     * The configurations the flags give, each checked for {@code sets}; every problem is added to
     * {@code problems} and the result is then empty.
     */
    List<IvfspConfig> read(CommandSpec spec, Set<ModelSet> sets, List<String> problems) {
        int before = problems.size();
        List<List<Integer>> values = new ArrayList<>();
        int count = 1;
        for (IvfspParameter p : flags) {
            String raw = spec.findOption(p.flag()).getValue();
            List<Integer> list = new ArrayList<>();
            for (String part : raw.split(",", -1)) {
                try {
                    list.add(Integer.parseInt(part.trim()));
                } catch (NumberFormatException e) {
                    problems.add(p.flag() + " (" + p.property() + ") = " + raw
                            + ": must be an integer, or a comma-separated list of integers");
                    list = null;
                    break;
                }
            }
            values.add(list);
            if (list != null && list.size() > 1) {
                if (count > 1 && list.size() != count) {
                    problems.add(p.flag() + " (" + p.property() + ") = " + raw + ": lists of several configurations"
                            + " must all have the same length (" + count + ")");
                }
                count = Math.max(count, list.size());
            }
        }
        if (problems.size() > before) {
            return List.of();
        }
        List<IvfspConfig> configs = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            IvfspConfig.Builder builder = IvfspConfig.builder();
            for (int i = 0; i < flags.size(); i++) {
                List<Integer> list = values.get(i);
                builder.set(flags.get(i), list.size() == 1 ? list.get(0) : list.get(k));
            }
            try {
                configs.add(builder.buildFor(sets));
            } catch (InvalidConfigException e) {
                String prefix = count > 1 ? "configuration " + (k + 1) + ": " : "";
                e.violations().stream().map(ConfigViolation::message).forEach(m -> problems.add(prefix + m));
            }
        }
        return problems.size() > before ? List.of() : configs;
    }

    /** Prints the problems as one block; returns {@link IvfspCli#INVALID}. */
    static int reportInvalid(PrintWriter err, String command, List<String> problems) {
        err.println("ivfsp " + command + ": invalid configuration (" + problems.size()
                + (problems.size() == 1 ? " problem):" : " problems):"));
        problems.forEach(p -> err.println("  " + p));
        return IvfspCli.INVALID;
    }

    /** How to describe several configurations at once, with flags this subcommand has. */
    String severalConfigurationsHelp() {
        String example = flags.contains(IvfspParameter.NLIST) ? "-nlist 1024,2048 -p 0,1" : "-p 0,1";
        return "Several configurations at once: give flags comma-separated lists of one length, e.g. " + example
                + " (a single value applies to all); each distinct model is compiled once.";
    }

    static List<String> newProblems() {
        return new ArrayList<>();
    }
}
