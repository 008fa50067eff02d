package io.ivfsp.cli;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

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

    /** One option: its names as written, how argparse reads it, and where its value goes. */
    record Own<T>(List<String> names, ScriptArguments.Kind kind, BiConsumer<T, String> set) {
        Own {
            names = List.copyOf(names);
        }

        ScriptArguments.Option option() {
            return new ScriptArguments.Option(names, kind, false);
        }

        /** The same option, its value kept by what {@code part} gives of an {@code S}. */
        <S> Own<S> of(Function<S, T> part) {
            return new Own<>(names, kind, (s, v) -> set.accept(part.apply(s), v));
        }
    }

    private final List<Own<T>> options;

    /** @param options in the order of the help */
    ScriptCommandLine(List<Own<T>> options) {
        this.options = List.copyOf(options);
    }

    List<Own<T>> options() {
        return options;
    }

    /** A flag: present or not. */
    static <T> Own<T> flag(String name, Consumer<T> set) {
        return new Own<>(List.of(name), ScriptArguments.Kind.FLAG, (t, v) -> set.accept(t));
    }

    /** A flag with a short and a long name. */
    static <T> Own<T> flag(String shortName, String name, Consumer<T> set) {
        return new Own<>(List.of(shortName, name), ScriptArguments.Kind.FLAG, (t, v) -> set.accept(t));
    }

    /** An option taking any text. */
    static <T> Own<T> text(String name, BiConsumer<T, String> set) {
        return new Own<>(List.of(name), ScriptArguments.Kind.TEXT, set);
    }

    /** An option taking one integer, read like Python's {@code int()} and kept as its canonical text. */
    static <T> Own<T> integer(String name, BiConsumer<T, String> set) {
        return new Own<>(List.of(name), ScriptArguments.Kind.INT, set);
    }

    /** An option taking a path (any text the file system can name). */
    static <T> Own<T> path(List<String> names, BiConsumer<T, Path> set) {
        String longest = names.get(names.size() - 1);
        return new Own<>(names, ScriptArguments.Kind.TEXT, (t, v) -> set.accept(t, path(longest, v)));
    }

    private static Path path(String option, String value) {
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
        parsed.values().forEach((option, value) -> {
            for (Own<T> o : options) {
                if (o.names().equals(option.names())) {
                    try {
                        o.set().accept(target, value);
                    } catch (IllegalArgumentException e) {
                        problems.add(e.getMessage());
                    }
                }
            }
        });
    }

    /** The argparse options of these, after {@code first}: help and the script's flags. */
    List<ScriptArguments.Option> after(List<ScriptArguments.Option> first) {
        List<ScriptArguments.Option> all = new ArrayList<>(first);
        options.forEach(o -> all.add(o.option()));
        return all;
    }
}
