package io.ivfsp.cli;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.compile.OpCompilerProvider;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.nativeacl.AclException;
import io.ivfsp.nativeacl.AclRuntime;
import io.ivfsp.nativeacl.NativeAcl;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ivfsp doctor}: what this machine has for generating and loading IVFSP models. */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = "Reports the toolkit (path, ATC, OPP version), the SoC ACL reports, whether the native ACL"
                + " binding loads and why not, and the compiler backends.",
        footer = {"", "Exit status: 0 when ATC is found, 1 otherwise, 2 invalid usage (a --toolkit that is not a directory)."})
final class DoctorCommand implements Callable<Integer> {

    private final IvfspCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = "--toolkit", paramLabel = "<dir>",
            description = "The CANN toolkit directory. Default: $ASCEND_HOME/$ASCEND_VERSION.")
    Path toolkitDir;

    @picocli.CommandLine.Mixin
    RemoteDoctor remote;

    DoctorCommand(IvfspCli cli) {
        this.cli = cli;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        // A directory the user names must be one: that is a usage error, not a finding about this machine.
        // One that exists but lacks bin/atc is reported like a discovered one (exit 1).
        Optional<String> badToolkit = Optional.ofNullable(toolkitDir)
                .flatMap(d -> Locations.unreadableDirectory("--toolkit", cli.workingDirectory().resolve(d)))
                .map(why -> why + "; give the CANN toolkit directory (the one holding bin/atc),"
                        + " or leave --toolkit out for $ASCEND_HOME/$ASCEND_VERSION");
        if (badToolkit.isPresent()) {
            return ConfigOptions.reportInvalid(spec.commandLine().getErr(), "doctor", List.of(badToolkit.get()));
        }
        AtcToolkit toolkit = toolkitDir == null ? AtcToolkit.discover(cli.environment())
                : AtcToolkit.at(cli.workingDirectory().resolve(toolkitDir));
        out.println("toolkit:  " + toolkit.home() + " (" + toolkit.origin() + ")");
        out.println("atc:      " + (toolkit.hasAtc() ? toolkit.atc().toString() : "missing: " + toolkit.atc()
                + " (set ASCEND_HOME and ASCEND_VERSION, or --toolkit)"));
        out.println("opp:      " + toolkit.oppVersionInfo().map(v -> v.strip().replace("\n", "; "))
                .orElse("no " + toolkit.opp().resolve("version.info")));
        if (NativeAcl.isAvailable()) {
            out.println("native:   available");
            try (AclRuntime acl = AclRuntime.initialize()) {
                out.println("soc:      " + acl.socName().orElse("(ACL reports none)") + " (from aclrtGetSocName)");
                out.println("devices:  " + acl.deviceCount());
            } catch (AclException | IllegalStateException e) {
                out.println("soc:      unknown: " + e.getMessage());
            }
        } else {
            out.println("native:   unavailable: " + NativeAcl.unavailabilityCause().orElseThrow().getMessage()
                    .replace(System.lineSeparator(), System.lineSeparator() + "          "));
            out.println("soc:      unknown (needs the native binding); ivfsp compiles for Ascend310P3");
        }
        // The backends as generate would see them: atc judged on this toolkit, not on the process's environment.
        List<OpCompilerProvider> providers = Backends.providers(toolkit, cli.environment());
        out.println("backends:");
        for (OpCompilerProvider p : providers) {
            out.println("  " + OpCompilers.describe(p).lines().findFirst().orElseThrow());
        }
        Optional<OpCompilers.Request> request = Backends.request(Optional.empty(), cli.environment());
        String chosen;
        try {
            OpCompilerProvider p = OpCompilers.choose(request, providers);
            chosen = p.name() + request.filter(r -> !r.isAuto()).map(r -> " (named by " + r.source() + ")")
                    .orElse(" (the available real backend of highest rank)");
        } catch (IllegalArgumentException | IllegalStateException e) {
            // The message's list of backends is printed just above: say so instead of ending on its colon.
            String first = e.getMessage().lines().findFirst().orElse("");
            chosen = "none: " + (first.endsWith(":") ? first.substring(0, first.length() - 1) + " (see backends above)" : first);
        }
        out.println("default:  " + chosen);
        boolean registryOk = remote.report(cli, spec, toolkitDir, out, spec.commandLine().getErr());
        return toolkit.hasAtc() && registryOk ? IvfspCli.OK : IvfspCli.COMPILE_FAILURE;
    }
}
