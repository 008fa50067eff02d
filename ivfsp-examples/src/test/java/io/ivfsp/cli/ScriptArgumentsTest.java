package io.ivfsp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ivfsp.json.JsonReader;
import io.ivfsp.testing.Waits;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The generator subcommands read their arguments like the reference scripts' argparse (Python 3.11,
 * allow_abbrev). Each case carries the outcome argparse gives, produced once by
 * {@code src/test/resources/argparse/reference_parsers.py} (the scripts' parsers plus ivfsp's own
 * options); where the script alone answers differently (a line that uses an ivfsp option), its
 * answer is the last column. {@link #agreesWithArgparseOnHundredsOfUnusualLines} runs that script
 * on hundreds more lines.
 */
class ScriptArgumentsTest {

    @TempDir
    Path cwd;

    /** command, arguments, ivfsp's outcome, and the script's own outcome where it differs. */
    private static Arguments c(String command, List<String> args, String outcome, String... scriptOutcome) {
        return Arguments.of(command, args, outcome, scriptOutcome.length == 0 ? outcome : scriptOutcome[0]);
    }

    /** Rule 1: only -h, --help and prefixes of --help print help; -h-prefixed tokens exit 2 like argparse; help and errors in argparse's order. */
    static Stream<Arguments> helpOnlyForHelpAndItsPrefixes() {
        return Stream.of(
                c("service", List.of("-h"), "help"),
                c("service", List.of("--help"), "help"),
                c("service", List.of("--he"), "help"),
                c("service", List.of("--hel"), "help"),
                c("service", List.of("-ha", "32"), "error: ambiguous option: -ha could match -h, -handle_batch"),
                c("service", List.of("-hand", "32"), "error: ambiguous option: -hand could match -h, -handle_batch"),
                c("service", List.of("-help"), "error: argument -h/--help: ignored explicit argument 'elp'"),
                c("service", List.of("-he"), "error: argument -h/--help: ignored explicit argument 'e'"),
                c("service", List.of("-hx"), "error: argument -h/--help: ignored explicit argument 'x'"),
                c("aicpu", List.of("-ha", "32"), "error: argument -h/--help: ignored explicit argument 'a'"),
                c("service", List.of("--help=yes"), "error: argument -h/--help: ignored explicit argument 'yes'"),
                c("service", List.of("-d", "x", "-h"), "error: argument -d: invalid int value: 'x'"),
                c("service", List.of("-h", "-d", "x"), "help"),
                c("service", List.of("--bogus", "-h"), "help"),
                c("service", List.of("-h", "-n", "5"), "error: ambiguous option: -n could match -nonzero_num, -nlist"));
    }

    /** Rule 2: the last of a repeated flag wins (each value is still read in turn). */
    static Stream<Arguments> repeatedFlagsKeepTheLast() {
        return Stream.of(
                c("service", List.of("-d", "128", "-d", "256"), "ok -d=256"),
                c("service", List.of("-p", "1", "-p", "2", "--pool", "3", "--pool=4"), "ok --pool=4 -p=2"),
                c("training", List.of("-batch_size", "16", "-batch", "32"), "ok -batch_size=32"),
                c("service", List.of("-d", "x", "-d", "256"), "error: argument -d: invalid int value: 'x'"));
    }

    /** Rule 3: any unambiguous prefix; an ambiguous one names the candidates; a script flag wins over an ivfsp option. */
    static Stream<Arguments> unambiguousPrefixesAreAccepted() {
        return Stream.of(
                c("service", List.of("--po", "4"), "ok --pool=4"),
                c("service", List.of("--core", "8"), "ok --cores=8"),
                c("service", List.of("-nl", "2048"), "ok -nlist=2048"),
                c("service", List.of("-nonzero", "32"), "ok -nonzero_num=32"),
                c("service", List.of("-code", "16384"), "ok -code_num=16384"),
                c("training", List.of("-batch", "4096"), "ok -batch_size=4096"),
                c("service", List.of("-n", "32"), "error: ambiguous option: -n could match -nonzero_num, -nlist"),
                c("all", List.of("-n", "32"), "error: ambiguous option: -n could match -nonzero_num, -nlist"),
                c("service", List.of("-c", "128"), "ok -code_num=128"),
                c("training", List.of("-b", "16"), "ok -batch_size=16"),
                c("aicpu", List.of("-nl", "2048"), "error: unrecognized arguments: -nl 2048"),
                c("service", List.of("--c", "8"), "ok --cores=8"),
                c("service", List.of("--p", "2"), "ok --pool=2"),
                c("service", List.of("--b", "mock"), "error: ambiguous option: --b could match --backend, --batch", "error: unrecognized arguments: --b mock"));
    }

    /** Rule 4: = forms, and a value attached to a one-character option (argparse's -nl=2048 is not a prefix form). */
    static Stream<Arguments> equalsAndAttachedForms() {
        return Stream.of(
                c("service", List.of("-d=512"), "ok -d=512"),
                c("service", List.of("--pool=4"), "ok --pool=4"),
                c("service", List.of("-nlist=2048"), "ok -nlist=2048"),
                c("service", List.of("-d512"), "ok -d=512"),
                c("service", List.of("-nl=2048"), "error: unrecognized arguments: -nl=2048"),
                c("service", List.of("--po=4"), "ok --pool=4"),
                c("service", List.of("-d="), "error: argument -d: invalid int value: ''"),
                c("service", List.of("-p-5"), "ok -p=-5"));
    }

    /** Rule 5: integers as Python's int() reads them. */
    static Stream<Arguments> integersAreReadLikePythonsInt() {
        return Stream.of(
                c("service", List.of("-d", " 256 "), "ok -d=256"),
                c("service", List.of("-d", "\u00a0256\u3000"), "ok -d=256"),
                c("service", List.of("-d", "+256"), "ok -d=256"),
                c("service", List.of("-d", "0256"), "ok -d=256"),
                c("service", List.of("-nlist", "1_024"), "ok -nlist=1024"),
                c("service", List.of("-nlist", "\uff11\uff10\uff12\uff14"), "ok -nlist=1024"),
                c("service", List.of("-nlist", "\u0661\u0660\u0662\u0664"), "ok -nlist=1024"),
                c("service", List.of("-d", "0x400"), "error: argument -d: invalid int value: '0x400'"),
                c("service", List.of("-d", "1024.0"), "error: argument -d: invalid int value: '1024.0'"),
                c("service", List.of("-d", "1e3"), "error: argument -d: invalid int value: '1e3'"),
                c("service", List.of("-d", ""), "error: argument -d: invalid int value: ''"),
                c("service", List.of("-d", "\u0001256"), "error: argument -d: invalid int value: '\\x01256'"),
                c("service", List.of("-d", "\u001c256"), "error: argument -d: invalid int value: '\\x1c256'"),
                c("service", List.of("-d", "256\u2028"), "ok -d=256"),
                c("service", List.of("-d", "1__024"), "error: argument -d: invalid int value: '1__024'"),
                c("service", List.of("-d", "_1"), "error: argument -d: invalid int value: '_1'"),
                c("service", List.of("-d", "- 5"), "error: argument -d: invalid int value: '- 5'"),
                c("service", List.of("-p", "-5"), "ok -p=-5"),
                c("service", List.of("-code_num", "1099511627776"), "ok -code_num=1099511627776"));
    }

    /** Rule 6: values argparse accepts that cannot work are read here and refused by the configuration check (see ScriptArgumentsTest#outOfRangeValuesSayTheLimitAndWhy). */
    static Stream<Arguments> valuesTheScriptAcceptsAreReadAsItReadsThem() {
        return Stream.of(
                c("service", List.of("-p", "99999999999999999999"), "ok -p=99999999999999999999"),
                c("service", List.of("x"), "error: unrecognized arguments: x"),
                c("service", List.of("-d", "256", "x", "y"), "error: unrecognized arguments: x y"));
    }

    /** Rule 7: leftovers, --, unknown flags, missing values, negative-number-looking values; ivfsp's own flags grouped. */
    static Stream<Arguments> leftoversDoubleDashAndUnknownFlags() {
        return Stream.of(
                c("service", List.of("--"), "error: unrecognized arguments: --"),
                c("service", List.of("--", "-d", "256"), "error: unrecognized arguments: -- -d 256"),
                c("service", List.of("-d", "--", "256"), "error: argument -d: expected one argument"),
                c("service", List.of("--bogus"), "error: unrecognized arguments: --bogus"),
                c("service", List.of("-x"), "error: unrecognized arguments: -x"),
                c("service", List.of("-d"), "error: argument -d: expected one argument"),
                c("service", List.of("-d", "-x"), "error: argument -d: expected one argument"),
                c("service", List.of("-d", "-5"), "ok -d=-5"),
                c("service", List.of("-"), "error: unrecognized arguments: -"),
                c("service", List.of("-d=--"), "error: argument -d: invalid int value: '--'"),
                c("service", List.of("-d--"), "error: argument -d: invalid int value: '--'"),
                c("service", List.of("--pool=--"), "error: argument --pool: invalid int value: '--'"),
                c("service", List.of("--timeout=--"), "error: argument --timeout: invalid int value: '--'",
                        "error: unrecognized arguments: --timeout=--"),
                c("service", List.of("--toolkit=--"), "ok --toolkit=--", "error: unrecognized arguments: --toolkit=--"),
                c("service", List.of("-qx"), "error: argument -q/--quiet: ignored explicit argument 'x'", "error: unrecognized arguments: -qx"),
                c("service", List.of("--plan=x"), "error: argument --plan: ignored explicit argument 'x'", "error: unrecognized arguments: --plan=x"),
                c("service", List.of("-qo", "out"), "ok --output-root=out --quiet=", "error: unrecognized arguments: -qo out"));
    }

    private static GenerateCommand command(String name) {
        return (GenerateCommand) new IvfspCli(Map.of(), Path.of("."), false)
                .commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
                .getSubcommands().get(name).getCommand();
    }

    /**
     * Each subcommand's argparse options, read once: building the command line (picocli's model of the
     * annotations) for each of the hundreds of lines was most of this class's CPU time.
     */
    private static final Map<String, List<ScriptArguments.Option>> OPTIONS = new ConcurrentHashMap<>();

    /** The outcome as reference_parsers.py renders it. */
    static String outcome(String command, List<String> args) {
        ScriptArguments.Result r = new ScriptArguments(OPTIONS.computeIfAbsent(command,
                name -> command(name).argparseOptions())).parse(args);
        if (r instanceof ScriptArguments.Help) {
            return "help";
        }
        if (r instanceof ScriptArguments.Error e) {
            return "error: " + e.message();
        }
        Map<String, String> values = new TreeMap<>();
        ((ScriptArguments.Parsed) r).values().forEach((o, v) -> values.put(
                o.scriptFlag() ? o.names().get(0) : o.names().get(o.names().size() - 1), v == null ? "" : v));
        StringBuilder sb = new StringBuilder("ok");
        values.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @MethodSource({"helpOnlyForHelpAndItsPrefixes", "repeatedFlagsKeepTheLast", "unambiguousPrefixesAreAccepted",
            "equalsAndAttachedForms", "integersAreReadLikePythonsInt", "valuesTheScriptAcceptsAreReadAsItReadsThem",
            "leftoversDoubleDashAndUnknownFlags"})
    void readsLikeArgparse(String command, List<String> args, String expected, String script) {
        assertThat(outcome(command, args)).isEqualTo(expected);
        if (script.startsWith("ok")) {
            assertThat(expected).as("a line the script accepts means the same to ivfsp").isEqualTo(script);
        }
    }

    private CliRunner.Result run(String... args) {
        return new CliRunner(Map.of("ASCEND_HOME", cwd.resolve("none").toString()), cwd, false).run(args);
    }

    @Test
    void helpExitsZeroAndWritesNothing() throws IOException {
        CliRunner.Result r = run("service", "--he", "-d", "x");

        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("Usage: ivfsp service").contains("-handle_batch");
        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void aRefusedLineGivesArgparsesOneLineAndWhereToLook() throws IOException {
        CliRunner.Result r = run("service", "-ha", "32");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).isEqualTo("ivfsp service: error: ambiguous option: -ha could match -h, -handle_batch\n"
                + "Try 'ivfsp service --help'\n");
        try (Stream<Path> s = Files.list(cwd)) {
            assertThat(s).isEmpty();
        }
    }

    @Test
    void abbreviatedRepeatedAndUnicodeFlagsReachTheConfiguration() {
        CliRunner.Result r = run("service", "--plan", "-nl", "2048", "-d", "128", "-d=\uff15\uff11\uff12", "-p", " 0_3 ");

        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("distance_compute_qc_op1_pid3.json").contains("float16[1,512]")
                .contains("float32[2048]");
    }

    @Test
    void outOfRangeValuesSayTheLimitAndWhy() {
        CliRunner.Result r = run("service", "--plan", "-code_num", "1099511627776");

        assertThat(r.exit()).isEqualTo(2);
        assertThat(r.err()).contains("-code_num (codeNum) = 1099511627776: out of range: mxIndex holds it in a 32-bit int"
                + " (-2147483648..2147483647), and it must be a positive multiple of 128");
        CliRunner.Result p = run("aicpu", "--plan", "-p", "-5");
        assertThat(p.exit()).isEqualTo(2);
        assertThat(p.err()).contains("-p (processId) = -5: must not be negative (the scripts accept any integer: -p is"
                + " only a suffix of the JSON file names");
        CliRunner.Result pool = run("service", "--plan", "--pool", "99999999999999999999");
        assertThat(pool.exit()).isEqualTo(2);
        assertThat(pool.err()).contains("--pool = 99999999999999999999: must be within 1..32");
    }

    @Test
    void pythonIntAgreesOnTheEdges() {
        assertThat(PythonInt.parse("\u2003-0_0\u205f")).hasValueSatisfying(v -> assertThat(v.signum()).isZero());
        assertThat(PythonInt.parse("1".repeat(PythonInt.MAX_DIGITS))).isPresent();
        assertThat(PythonInt.parse("1".repeat(PythonInt.MAX_DIGITS + 1))).isEmpty();
        assertThat(PythonInt.parse("+")).isEmpty();
        assertThat(PythonInt.parse("1\u00002")).isEmpty();
        assertThat(PythonInt.repr("it's")).isEqualTo("\"it's\"");
        assertThat(PythonInt.repr("\u00a0\u3000\n\\")).isEqualTo("'\\xa0\\u3000\\n\\\\'");
    }

    private static Path referenceScript() {
        try {
            return Paths.get(ScriptArgumentsTest.class.getResource("/argparse/reference_parsers.py").toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> python(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("python3", referenceScript().toString()));
        command.addAll(List.of(args));
        Waits.Finished python = Waits.run(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT));
        assertThat(python.exit()).isZero();
        return python.out().lines().toList();
    }

    @ParameterizedTest
    @MethodSource("commands")
    void optionsAreThoseTheReferenceModelKnows(String command) throws Exception {
        List<String> java = command(command).argparseOptions().stream()
                .map(o -> "[" + String.join(", ", o.names().stream().map(n -> "\"" + n + "\"").toList()) + "], \""
                        + o.kind() + "\"]")
                .map(s -> "[" + s).toList();

        assertThat(java).as("add a new option to IVFSP in reference_parsers.py too").isEqualTo(python("options", command));
    }

    static Stream<String> commands() {
        return Stream.of("service", "aicpu", "training", "all");
    }

    @Test
    @SuppressWarnings("unchecked")
    void agreesWithArgparseOnHundredsOfUnusualLines() throws Exception {
        // -Divfsp.argparse.lines=5000 -Divfsp.argparse.seed=N for a longer run
        int count = Integer.getInteger("ivfsp.argparse.lines", 800);
        List<String> lines = python("random", String.valueOf(count), System.getProperty("ivfsp.argparse.seed", "20261130"));
        assertThat(lines).hasSize(count);
        List<String> mismatches = new ArrayList<>();
        int accepted = 0;
        for (String line : lines) {
            Map<String, Object> c = (Map<String, Object>) JsonReader.read(line);
            String command = (String) c.get("command");
            List<String> args = ((List<Object>) c.get("args")).stream().map(String.class::cast).toList();
            String ours = outcome(command, args);
            if (!ours.equals(c.get("ivfsp"))) {
                mismatches.add(command + " " + args + ": argparse " + c.get("ivfsp") + ", ivfsp " + ours);
            }
            if (((String) c.get("script")).startsWith("ok")) {
                accepted++;
                if (!ours.equals(c.get("script"))) {
                    mismatches.add(command + " " + args + ": the script reads " + c.get("script") + ", ivfsp " + ours);
                }
            }
        }
        assertThat(mismatches).isEmpty();
        assertThat(accepted).as("the sample includes lines the scripts accept").isGreaterThan(50);
    }

    /**
     * argparse's negative-number test, checked code point by code point (no pattern on the warm path), against
     * the pattern it replaced: {@code ^-\d+$|^-\d*\.\d+$} with Unicode digits and {@code $} before a final newline.
     */
    @Test
    void negativeNumbersAreWhatArgparsesPatternSays() {
        java.util.regex.Pattern argparse = java.util.regex.Pattern.compile("-(\\d+|\\d*\\.\\d+)\n?",
                java.util.regex.Pattern.UNICODE_CHARACTER_CLASS);
        String alphabet = "-.0179\n\r \u0663\uff13\u00b2\ud835\udfcee+x";
        List<String> cases = new java.util.ArrayList<>(List.of("-1", "-12", "-1.5", "-.5", "-5.", "-", "--1", "-1-",
                "-1.2.3", "-1\n", "-1\n\n", "-\n", "1", "- 1", "-\u0663", "-\uff11.\uff12", "-\ud835\udfce",
                "-\ud835", "-1e5", "-0x1", "-.", "-..5", "", "-1\r", "-\u00b2", "-\u2167", "-\ud835\udfce\n", "-\udfce",
                "-1\ud835\n"));
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            StringBuilder sb = new StringBuilder(random.nextBoolean() ? "-" : "");
            for (int n = random.nextInt(5); n >= 0; n--) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            cases.add(sb.toString());
        }
        int negative = 0;
        for (String arg : cases) {
            boolean expected = argparse.matcher(arg).matches();
            assertThat(PythonInt.isNegativeNumber(arg)).as("'%s'", arg.replace("\n", "\\n")).isEqualTo(expected);
            negative += expected ? 1 : 0;
        }
        assertThat(negative).as("cases the pattern takes for negative numbers").isGreaterThan(1_000);
    }
}
