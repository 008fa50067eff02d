package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The generators read their command line without picocli, through {@link GenerateArguments#OWN_OPTIONS};
 * picocli's annotations only print the help. These keep the two in step: every option the help shows
 * is read, in the help's order, and its value lands in the field the help describes.
 */
class GeneratorOptionsTest {

    static Stream<String> generators() {
        return Stream.of("service", "aicpu", "training", "all");
    }

    private static CommandLine line(String generator) {
        return new IvfspCli(Map.of(), Path.of("."), false)
                .commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().get(generator);
    }

    /** The options of the help that are ivfsp's own (not help, the script's flags or --pool), in its order. */
    private static List<OptionSpec> ownInHelp(CommandLine line) {
        GenerateCommand command = line.getCommand();
        List<String> script = command.argparseOptions().stream().filter(ScriptArguments.Option::scriptFlag)
                .map(o -> o.names().get(o.names().size() - 1)).toList();
        List<OptionSpec> own = new ArrayList<>(line.getCommandSpec().options().stream()
                .filter(o -> !o.usageHelp() && !script.contains(o.longestName())
                        && !o.longestName().equals(GenerateCommand.POOL_FLAG))
                .toList());
        own.sort(Comparator.comparingInt(OptionSpec::order));
        return own;
    }

    @ParameterizedTest
    @MethodSource("generators")
    void everyOptionOfTheHelpIsReadInTheHelpsOrder(String generator) {
        List<List<String>> help = ownInHelp(line(generator)).stream().map(o -> List.of(o.names())).toList();
        List<List<String>> read = GenerateArguments.OWN_OPTIONS.options().stream().map(ScriptCommandLine.Own::names).toList();

        assertThat(read).isEqualTo(help);
    }

    @ParameterizedTest
    @MethodSource("generators")
    void aValueReadLandsInTheFieldTheHelpDescribes(String generator) {
        CommandLine line = line(generator);
        GenerateCommand command = line.getCommand();
        for (OptionSpec o : ownInHelp(line)) {
            ScriptCommandLine.Own own = GenerateArguments.OWN_OPTIONS.options().stream()
                    .filter(x -> x.names().equals(List.of(o.names()))).findFirst().orElseThrow();
            boolean flag = o.typeInfo().isBoolean();
            assertThat(own.kind()).as(o.longestName()).isEqualTo(flag ? ScriptArguments.Kind.FLAG
                    : own.kind() == ScriptArguments.Kind.INT ? ScriptArguments.Kind.INT : ScriptArguments.Kind.TEXT);
            String text = own.kind() == ScriptArguments.Kind.INT ? "17" : "some/where-" + o.order();
            Object before = o.getValue();

            GenerateArguments.OWN_OPTIONS.set(command, own, flag ? null : text);

            Object expected = flag ? Boolean.TRUE : o.typeInfo().getType() == Path.class ? Path.of(text) : text;
            assertThat((Object) o.getValue()).as(o.longestName() + " was " + before).isEqualTo(expected);
        }
    }

    @ParameterizedTest
    @MethodSource("generators")
    void aPathTheSystemCannotNameIsAProblemNamingTheOption(String generator) {
        CommandLine line = line(generator);
        ScriptArguments.Parsed parsed = new ScriptArguments.Parsed(Map.of(
                new ScriptArguments.Option(List.of("--toolkit"), ScriptArguments.Kind.TEXT, false), "a\0b"));
        List<String> problems = new ArrayList<>();

        GenerateArguments.OWN_OPTIONS.keep(parsed, line.getCommand(), problems);

        assertThat(problems).singleElement().asString().startsWith("--toolkit = 'a\\x00b': not a path");
    }
}
