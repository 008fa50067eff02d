package io.ivfsp.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * ivfsp's own options of a generator subcommand as its argparse-like reader ({@link ScriptArguments})
 * sees them and as their values are kept, without picocli: a warm run that compiles nothing spends
 * most of its time building picocli's model of a command from its annotations, so the generators read
 * their command line with these tables and build picocli only to print help. The annotations stay the
 * source of the help text; a test keeps the two in step.
 *
 * @param <T> what holds the values
 */
final class ScriptCommandLine<T> {

    /** One option: its names as written and how argparse reads it. */
    record Own(List<String> names, ScriptArguments.Kind kind) {
        Own {
            names = List.copyOf(names);
        }

        ScriptArguments.Option option() {
            return new ScriptArguments.Option(names, kind, false);
        }

        /** The name its value is kept by: the last, the long one. */
        String name() {
            return names.get(names.size() - 1);
        }
    }

    /**
     * Where the values of a table go: one method for all its options, which keeps the value of an option,
     * named by {@link Own#name()}, in its field. One method with a switch, not a lambda per option: a
     * lambda costs a warm run a third of a millisecond when its class initialisation links it, and the
     * tables are built at every start.
     *
     * @param <T> what holds the values
     */
    interface Setter<T> {
        /**
         * @param value the text read (of an integer, its canonical text); null for a flag
         * @throws IllegalArgumentException if the value cannot be kept (its message names the option)
         */
        void set(T target, String option, String value);
    }

    private final List<Own> options;
    private final Setter<T> setter;

    /** @param options in the order of the help */
    ScriptCommandLine(List<Own> options, Setter<T> setter) {
        this.options = List.copyOf(options);
        this.setter = setter;
    }

    List<Own> options() {
        return options;
    }

    /** Keeps {@code value} of {@code option} in {@code target}, as a command line would. */
    void set(T target, Own option, String value) {
        setter.set(target, option.name(), value);
    }

    /** A flag: present or not. */
    static Own flag(String name) {
        return new Own(List.of(name), ScriptArguments.Kind.FLAG);
    }

    /** A flag with a short and a long name. */
    static Own flag(String shortName, String name) {
        return new Own(List.of(shortName, name), ScriptArguments.Kind.FLAG);
    }

    /** An option taking any text. */
    static Own text(String name) {
        return new Own(List.of(name), ScriptArguments.Kind.TEXT);
    }

    /** An option taking one integer, read like Python's {@code int()} and kept as its canonical text. */
    static Own integer(String name) {
        return new Own(List.of(name), ScriptArguments.Kind.INT);
    }

    /** An option taking a path (any text the file system can name: its setter keeps {@link #path(String, String)}). */
    static Own path(List<String> names) {
        return new Own(names, ScriptArguments.Kind.TEXT);
    }

    /**
     * {@code value} of {@code option} as a path.
     *
     * @throws IllegalArgumentException if this file system cannot name it
     */
    static Path path(String option, String value) {
        try {
            return Path.of(value);
        } catch (InvalidPathException e) {
            throw new IllegalArgumentException(option + " = " + PythonInt.repr(value) + ": not a path this system can"
                    + " name (" + e.getReason() + ")");
        }
    }

    /**
     * Keeps the values {@code parsed} gives for these options in {@code target}; a value that cannot be kept
     * is added to {@code problems}. Values of options not in this table are left to the caller.
     */
    void keep(ScriptArguments.Parsed parsed, T target, List<String> problems) {
        for (Map.Entry<ScriptArguments.Option, String> parsedValue : parsed.values().entrySet()) {
            for (Own o : options) {
                if (o.names().equals(parsedValue.getKey().names())) {
                    try {
                        set(target, o, parsedValue.getValue());
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        }
    }

    /** The argparse options of these, after {@code first}: help and the script's flags. */
    List<ScriptArguments.Option> after(List<ScriptArguments.Option> first) {
        List<ScriptArguments.Option> all = new ArrayList<>(first);
        for (Own o : options) {
            all.add(o.option());
        }
        return all;
    }
}
