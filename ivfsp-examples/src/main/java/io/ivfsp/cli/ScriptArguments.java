package io.ivfsp.cli;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a generator subcommand's arguments exactly as the reference scripts' argparse (Python 3,
 * {@code allow_abbrev} on) reads theirs, so that a command line means the same to ivfsp as to the
 * script it replaces, and is refused with the same one-line message.
 *
 * <p>This is a port of the parts of {@code argparse.ArgumentParser._parse_known_args} that
 * optionals without positionals use: unambiguous prefixes of any option ({@code -nl} for
 * {@code -nlist}, {@code --po} for {@code --pool}), {@code =} forms, a value attached to a
 * one-character option ({@code -d512}), grouped one-character flags, negative-number-looking
 * values, {@code --}, the last of repeated options winning, help as soon as it is reached, and
 * the order of errors (an ambiguous prefix before anything else, then each option in turn, then
 * leftovers). One rule is ivfsp's own: an abbreviation that matches one of the script's flags means
 * that flag, even if it also matches one of ivfsp's options, so every line a script accepts keeps
 * its meaning. picocli's abbreviations split names on '-' and case, and it refuses repeated options
 * or reports them in its own words, so they cannot give argparse's behaviour.
 */
final class ScriptArguments {

    /** How an option takes its value. */
    enum Kind {
        /** {@code -h}, {@code --help}: help, as soon as it is reached. */
        HELP,
        /** A flag without a value. */
        FLAG,
        /** Any text. */
        TEXT,
        /** One integer, read like Python's {@code int()}. */
        INT,
        /** A comma-separated list of integers, each read like Python's {@code int()}. */
        INT_LIST
    }

    /**
     * One option: its names as written (argparse matches prefixes of these), how it takes its value,
     * and whether it is one of the reference script's own.
     */
    record Option(List<String> names, Kind kind, boolean scriptFlag) {
        Option {
            names = List.copyOf(names);
        }

        String label() {
            return String.join("/", names);
        }

        // Written out: a record's own equals and hashCode are linked through method handles at their first call,
        // which cost a warm run about a tenth of its time (options are the keys of the values read).
        @Override
        public boolean equals(Object o) {
            return o instanceof Option x && names.equals(x.names) && kind == x.kind && scriptFlag == x.scriptFlag;
        }

        @Override
        public int hashCode() {
            return Objects.hash(names, kind, scriptFlag);
        }
    }

    /** The outcome: help, an error in argparse's words, or the options given (the last of each). */
    sealed interface Result permits Help, Error, Parsed {
    }

    /** {@code -h} or {@code --help} was reached. */
    record Help() implements Result {
    }

    /** The line is refused: argparse's message, without {@code prog: error: }. */
    record Error(String message) implements Result {
    }

    /** The options given, each with its last value (null for flags), in the order first given. */
    record Parsed(Map<Option, String> values) implements Result {
    }

    private final Map<String, Option> byName = new LinkedHashMap<>();

    /** @param options in argparse's order (help first): ambiguity messages list candidates in it */
    ScriptArguments(List<Option> options) {
        for (Option o : options) {
            for (String n : o.names()) {
                byName.put(n, o);
            }
        }
    }

    private record Match(Option option, String name, String explicit) {
    }

    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }

    /** Reads the arguments that follow the subcommand's name. */
    Result parse(List<String> args) {
        try {
            return read(args);
        } catch (Refused e) {
            return new Error(e.getMessage());
        }
    }

    private Result read(List<String> args) {
        TreeMap<Integer, Match> options = new TreeMap<>();
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--")) {
                pattern.append('-').append("A".repeat(args.size() - i - 1));
                break;
            }
            Match m = classify(args.get(i));
            if (m != null) {
                options.put(i, m);
            }
            pattern.append(m == null ? 'A' : 'O');
        }
        Map<Option, String> values = new LinkedHashMap<>();
        List<String> extras = new ArrayList<>();
        int start = 0;
        while (!options.isEmpty() && start <= options.lastKey()) {
            int next = options.ceilingKey(start);
            extras.addAll(args.subList(start, next));
            Match m = options.get(next);
            if (m.option() == null) {
                extras.add(args.get(next));
                start = next + 1;
            } else {
                Optional<Integer> stop = consume(m, next, args, pattern, values);
                if (stop.isEmpty()) {
                    return new Help();
                }
                start = stop.get();
            }
        }
        extras.addAll(args.subList(start, args.size()));
        if (!extras.isEmpty()) {
            throw new Refused("unrecognized arguments: " + String.join(" ", extras));
        }
        return new Parsed(values);
    }

    /** argparse's consume_optional: the index after the option's arguments, or empty for help. */
    private Optional<Integer> consume(Match m, int index, List<String> args, CharSequence pattern,
                                      Map<Option, String> values) {
        Option option = m.option();
        String name = m.name();
        String explicit = m.explicit();
        List<Match> taken = new ArrayList<>();
        int stop;
        while (true) {
            boolean takesValue = option.kind() != Kind.HELP && option.kind() != Kind.FLAG;
            if (explicit != null) {
                if (!takesValue && name.charAt(1) != '-' && !explicit.isEmpty()) {
                    // -qx: a one-character flag followed by more one-character options
                    taken.add(new Match(option, name, null));
                    int first = explicit.offsetByCodePoints(0, 1);
                    Option grouped = byName.get(name.charAt(0) + explicit.substring(0, first));
                    if (grouped == null) {
                        throw new Refused("argument " + option.label() + ": ignored explicit argument "
                                + PythonInt.repr(explicit));
                    }
                    name = name.charAt(0) + explicit.substring(0, first);
                    option = grouped;
                    explicit = first == explicit.length() ? null : explicit.substring(first);
                } else if (takesValue) {
                    stop = index + 1;
                    taken.add(new Match(option, name, explicit));
                    break;
                } else {
                    throw new Refused("argument " + option.label() + ": ignored explicit argument "
                            + PythonInt.repr(explicit));
                }
            } else {
                int count = 0;
                if (takesValue) {
                    if (index + 1 >= pattern.length() || pattern.charAt(index + 1) != 'A') {
                        throw new Refused("argument " + option.label() + ": expected one argument");
                    }
                    count = 1;
                }
                stop = index + 1 + count;
                taken.add(new Match(option, name, count == 1 ? args.get(index + 1) : null));
                break;
            }
        }
        for (Match t : taken) {
            if (t.option().kind() == Kind.HELP) {
                return Optional.empty();
            }
            values.remove(t.option()); // argparse keeps the last value; the canonical line lists it once
            values.put(t.option(), convert(t.option(), t.explicit()));
        }
        return Optional.of(stop);
    }

    private static String convert(Option option, String value) {
        if (value == null) {
            return null;
        }
        // An explicit "--" (-d=--, -d--) is a value like any other, as argparse reads it since Python 3.12.3
        // (gh-109475); older versions dropped it and left an empty value that nothing could use.
        switch (option.kind()) {
            case INT -> {
                return integer(option, value, value).toString();
            }
            case INT_LIST -> {
                List<String> parts = new ArrayList<>();
                for (String part : value.split(",", -1)) {
                    parts.add(integer(option, part, value).toString());
                }
                return String.join(",", parts);
            }
            default -> {
                return value;
            }
        }
    }

    private static BigInteger integer(Option option, String text, String whole) {
        return PythonInt.parse(text).orElseThrow(() -> new Refused("argument " + option.label()
                + ": invalid int value: " + PythonInt.repr(whole)));
    }

    /** argparse's _parse_optional: the option an argument names, null for a value. */
    private Match classify(String arg) {
        if (arg.isEmpty() || arg.charAt(0) != '-') {
            return null;
        }
        if (byName.containsKey(arg)) {
            return new Match(byName.get(arg), arg, null);
        }
        if (arg.length() == 1) {
            return null;
        }
        int eq = arg.indexOf('=');
        if (eq >= 0 && byName.containsKey(arg.substring(0, eq))) {
            return new Match(byName.get(arg.substring(0, eq)), arg.substring(0, eq), arg.substring(eq + 1));
        }
        List<Match> candidates = prefixMatches(arg);
        if (candidates.size() > 1) {
            throw new Refused("ambiguous option: " + arg + " could match "
                    + String.join(", ", candidates.stream().map(Match::name).toList()));
        }
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        if (PythonInt.isNegativeNumber(arg) || arg.contains(" ")) {
            return null;
        }
        return new Match(null, arg, null);
    }

    /** argparse's _get_option_tuples, then ivfsp's rule: the script's own flags first. */
    private List<Match> prefixMatches(String arg) {
        List<Match> found = new ArrayList<>();
        if (arg.charAt(1) == '-') {
            int eq = arg.indexOf('=');
            String prefix = eq >= 0 ? arg.substring(0, eq) : arg;
            String explicit = eq >= 0 ? arg.substring(eq + 1) : null;
            byName.forEach((name, o) -> {
                if (name.startsWith(prefix)) {
                    found.add(new Match(o, name, explicit));
                }
            });
        } else {
            int two = arg.offsetByCodePoints(0, 2);
            String shortName = arg.substring(0, two);
            byName.forEach((name, o) -> {
                if (name.equals(shortName)) {
                    found.add(new Match(o, name, arg.substring(two)));
                } else if (name.startsWith(arg)) {
                    found.add(new Match(o, name, null));
                }
            });
        }
        List<Match> scripts = found.stream().filter(m -> m.option().scriptFlag()).toList();
        return scripts.isEmpty() ? found : scripts;
    }
}
