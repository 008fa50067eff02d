package io.ivfsp.cli;

import io.ivfsp.config.ConfigViolation;
import io.ivfsp.config.InvalidConfigException;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelStore;

import java.io.PrintWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        Map<String, String> given = new HashMap<>();
        for (IvfspParameter p : flags) {
            given.put(p.flag(), spec.findOption(p.flag()).getValue());
        }
        return read(given, sets, problems);
    }

    /** The same, with each flag's text given by {@code given} (absent or null: the flag's default). */
    List<IvfspConfig> read(Map<String, String> given, Set<ModelSet> sets, List<String> problems) {
        int before = problems.size();
        List<List<Integer>> values = new ArrayList<>();
        int count = 1;
        for (IvfspParameter p : flags) {
            String raw = given.get(p.flag());
            if (raw == null) {
                raw = String.valueOf(p.defaultValue());
            }
            List<Integer> list = new ArrayList<>();
            for (String part : raw.split(",", -1)) {
                Optional<BigInteger> value = PythonInt.parse(part);
                if (value.isEmpty()) {
                    problems.add(p.flag() + " (" + p.property() + ") = " + raw
                            + ": must be an integer, or a comma-separated list of integers");
                    list = null;
                    break;
                }
                if (value.get().bitLength() > 31) {
                    // Python's int() takes any size; the runtime cannot.
                    problems.add(p.flag() + " (" + p.property() + ") = " + value.get() + ": out of range: mxIndex"
                            + " holds it in a 32-bit int (" + Integer.MIN_VALUE + ".." + Integer.MAX_VALUE
                            + "), and it must be " + p.allowed());
                    list = null;
                    break;
                }
                list.add(value.get().intValue());
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
                e.violations().stream().map(ConfigOptions::explained).forEach(m -> problems.add(prefix + m));
            }
        }
        return problems.size() > before ? List.of() : configs;
    }

    /** A violation's message, with why ivfsp refuses what the scripts accept where that is not obvious. */
    private static String explained(ConfigViolation v) {
        if (v.parameter() == IvfspParameter.PROCESS_ID) {
            return v.message() + " (the scripts accept any integer: -p is only a suffix of the JSON file names;"
                    + " ivfsp keeps '-' out of them)";
        }
        return v.message();
    }

    /** This subcommand's configuration flags, in the script's order. */
    List<IvfspParameter> flags() {
        return flags;
    }

    /**
     * Files that two configurations would write under one name with different contents (the second
     * would overwrite the first), naming the files and the configurations; empty when there are none.
     */
    Optional<String> nameClashes(List<IvfspConfig> configs, List<ModelPlan> plans) {
        Map<String, OpFile> first = new LinkedHashMap<>();
        Map<String, Integer> owner = new HashMap<>();
        Map<List<Integer>, List<String>> clashes = new LinkedHashMap<>();
        for (int k = 0; k < plans.size(); k++) {
            for (OpFile f : plans.get(k).files()) {
                OpFile seen = first.putIfAbsent(f.fileName(), f);
                if (seen == null) {
                    owner.put(f.fileName(), k);
                } else if (!seen.equals(f)) {
                    clashes.computeIfAbsent(List.of(owner.get(f.fileName()), k), x -> new ArrayList<>()).add(f.fileName());
                }
            }
        }
        if (clashes.isEmpty()) {
            return Optional.empty();
        }
        StringBuilder sb = new StringBuilder("configurations that would overwrite each other's files:");
        clashes.forEach((pair, names) -> {
            IvfspConfig a = configs.get(pair.get(0));
            IvfspConfig b = configs.get(pair.get(1));
            sb.append(System.lineSeparator()).append("  configuration ").append(pair.get(0) + 1).append(" (")
                    .append(differences(a, b)).append(") and ").append(pair.get(1) + 1).append(" (")
                    .append(differences(b, a)).append(") both write ").append(names.size())
                    .append(" files with different contents: ");
            sb.append(String.join(", ", names.stream().map(n -> ModelStore.CONFIG_DIRECTORY + "/" + n).toList()));
        });
        return Optional.of(sb.append(System.lineSeparator()).append("  give each configuration its own -p, e.g. -p ")
                .append(String.join(",", java.util.stream.IntStream.range(0, configs.size())
                        .mapToObj(String::valueOf).toList())).toString());
    }

    /** The flags of {@code c} whose values differ from {@code other}'s. */
    private String differences(IvfspConfig c, IvfspConfig other) {
        return String.join(" ", flags.stream().filter(p -> c.get(p) != other.get(p)).map(p -> p.flag() + " " + c.get(p))
                .toList());
    }

    /** An integer option within min..max, or a problem naming it; the value is canonical after argparse. */
    static Integer bounded(String flag, String raw, int min, int max, List<String> problems) {
        Optional<BigInteger> value = PythonInt.parse(raw);
        if (value.isEmpty() || value.get().compareTo(BigInteger.valueOf(min)) < 0
                || value.get().compareTo(BigInteger.valueOf(max)) > 0) {
            problems.add(flag + " = " + raw + ": must be " + (value.isEmpty() ? "an integer " : "") + "within "
                    + min + ".." + max);
            return null;
        }
        return value.get().intValue();
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
