package io.ivfsp.cli;

import io.ivfsp.config.IvfspParameter;
import io.ivfsp.config.ModelSet;

import io.ivfsp.atc.AtcToolkit;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code ivfsp} command: a drop-in for mxIndex's three IVFSP generator scripts
 * ({@code service}, {@code aicpu}, {@code training}), plus {@code all}, and {@code verify} and
 * {@code doctor}, which use the native ACL binding.
 *
 * <p>Exit status: 0 success, 1 compile failure (or no compiler), 2 invalid usage, configuration or
 * output location.
 */
@Command(name = "ivfsp", mixinStandardHelpOptions = true,
        description = "Generates the IVFSP operator models (.om) that the Ascend Index SDK needs on Ascend 310P.",
        footer = {"", "Exit status: 0 success, 1 compile failure, 2 invalid usage or configuration."})
public final class IvfspCli implements Runnable {

    /** Success. */
    public static final int OK = 0;
    /** A compile job failed, or nothing could compile. */
    public static final int COMPILE_FAILURE = 1;
    /** Invalid usage, configuration or output location. */
    public static final int INVALID = 2;

    private static final List<IvfspParameter> SERVICE_FLAGS = List.of(IvfspParameter.CORES, IvfspParameter.DIM,
            IvfspParameter.NONZERO_NUM, IvfspParameter.NLIST, IvfspParameter.HANDLE_BATCH, IvfspParameter.CODE_NUM,
            IvfspParameter.PROCESS_ID);
    private static final List<IvfspParameter> AICPU_FLAGS = List.of(IvfspParameter.CORES, IvfspParameter.PROCESS_ID);
    private static final List<IvfspParameter> TRAINING_FLAGS = List.of(IvfspParameter.CORES, IvfspParameter.DIM,
            IvfspParameter.NONZERO_NUM, IvfspParameter.NLIST, IvfspParameter.TRAIN_BATCH_SIZE,
            IvfspParameter.CODE_NUM, IvfspParameter.PROCESS_ID);
    private static final List<IvfspParameter> ALL_FLAGS = List.of(IvfspParameter.values());

    private static final Set<String> GENERATORS = Set.of("service", "aicpu", "training", "all");

    private final Map<String, String> environment;
    private TerminalErr terminalErr;
    private final Path workingDirectory;
    private final boolean terminal;

    /**
     * @param environment      the environment ({@code ASCEND_HOME}, {@code ASCEND_VERSION})
     * @param workingDirectory where {@code config/} and the model directories go by default
     * @param terminal         whether to draw a live progress line
     */
    public IvfspCli(Map<String, String> environment, Path workingDirectory, boolean terminal) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = Objects.requireNonNull(workingDirectory).toAbsolutePath();
        this.terminal = terminal;
    }

    /** Runs the command line and exits with its status. */
    public static void main(String[] args) throws Throwable {
        if (RemoteClassPath.mayUseRegistry(args, System.getenv(), GENERATORS)
                && RemoteClassPath.rerunWith(RemoteClassPath.jars(IvfspCli.class), IvfspCli.class, args)) {
            return;
        }
        boolean terminal = System.console() != null;
        IvfspCli cli = new IvfspCli(System.getenv(), Path.of("").toAbsolutePath(), terminal);
        if (terminal) {
            // Log lines and messages share standard error with the progress line without running into it.
            cli.terminalErr = new TerminalErr(new FileOutputStream(FileDescriptor.err));
            System.setErr(new PrintStream(cli.terminalErr, true, Charset.defaultCharset()));
        }
        System.exit(cli.execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /**
     * Runs a command line, printing to {@code out} and {@code err}; returns the exit status. The
     * generator subcommands read their arguments like the reference scripts' argparse.
     */
    public int execute(PrintWriter out, PrintWriter err, String... args) {
        if (args.length > 0 && GENERATORS.contains(args[0])) {
            // Read without picocli, which reads each command's annotations by reflection: that was most of a
            // warm run's start-up. picocli is built only to print the subcommand's help.
            return generator(args[0]).execute(out, err, List.of(args).subList(1, args.length));
        }
        return commandLine(out, err).execute(args);
    }

    /** Where the progress line is drawn: the shared terminal stream, or {@code err} itself. */
    ProgressLine.Status status(PrintWriter err) {
        if (terminalErr != null) {
            return terminalErr;
        }
        return new ProgressLine.Status() {
            @Override
            public void show(String line) {
                err.print("\r" + line + "\033[K");
                err.flush();
            }

            @Override
            public void clear() {
                err.flush();
            }
        };
    }

    /** The picocli command line with every subcommand, printing to {@code out} and {@code err}. */
    public CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(this);
        cl.getCommandSpec().versionProvider(new Version());
        for (String name : List.of("service", "aicpu", "training", "all")) {
            GenerateCommand command = generator(name);
            CommandLine sub = new CommandLine(command);
            command.addParameterOptions(sub.getCommandSpec());
            sub.getCommandSpec().usageMessage().description(command.description());
            cl.addSubcommand(name, sub);
        }
        VerifyCommand verify = new VerifyCommand(this);
        CommandLine verifyLine = new CommandLine(verify);
        verify.addParameterOptions(verifyLine.getCommandSpec());
        cl.addSubcommand("verify", verifyLine);
        cl.addSubcommand("doctor", new CommandLine(new DoctorCommand(this)));
        FleetCommands.add(this, cl);
        cl.setOut(out);
        cl.setErr(err);
        cl.setUsageHelpAutoWidth(false);
        return cl;
    }

    /** The generator subcommand {@code name}: service, aicpu, training or all. */
    GenerateCommand generator(String name) {
        return switch (name) {
            case "service" -> new GenerateCommand(this, name, "Generates the service (AI Core) models, like"
                    + " ivfsp_generate_model.py.", EnumSet.of(ModelSet.SERVICE), SERVICE_FLAGS, true);
            case "aicpu" -> new GenerateCommand(this, name, "Generates the AICPU models, like"
                    + " ivfsp_aicpu_generate_model.py.", EnumSet.of(ModelSet.AICPU), AICPU_FLAGS, false);
            case "training" -> new GenerateCommand(this, name, "Generates the codebook-training models, like"
                    + " ivfsp_generate_pyacl_model.py.", EnumSet.of(ModelSet.TRAINING), TRAINING_FLAGS, true);
            case "all" -> new GenerateCommand(this, name, "Generates the service, AICPU and training models of one"
                    + " deployment in one pool.", EnumSet.allOf(ModelSet.class), ALL_FLAGS, true);
            default -> throw new IllegalArgumentException("not a generator subcommand: " + name);
        };
    }

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "a subcommand is needed: service, aicpu, training, all, verify or doctor");
    }

    Map<String, String> environment() {
        return environment;
    }

    Path workingDirectory() {
        return workingDirectory;
    }

    boolean terminal() {
        return terminal;
    }

    /** The project version, written into {@code version.properties} by the build. */
    static String projectVersion() {
        try (InputStream in = IvfspCli.class.getResourceAsStream("version.properties")) {
            Properties p = new Properties();
            p.load(Objects.requireNonNull(in, "version.properties is missing from the class path"));
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The project version, and the toolkit's (its OPP version.info) when one is found. */
    final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            List<String> lines = new ArrayList<>();
            lines.add("ivfsp " + projectVersion());
            AtcToolkit toolkit = AtcToolkit.discover(environment);
            lines.add(toolkit.oppVersionInfo()
                    .map(v -> "toolkit " + toolkit.home() + ": " + v.strip().replace("\n", "; "))
                    .orElse("toolkit: none found at " + toolkit.home() + " (" + toolkit.origin() + ")"));
            return lines.toArray(String[]::new);
        }
    }
}
