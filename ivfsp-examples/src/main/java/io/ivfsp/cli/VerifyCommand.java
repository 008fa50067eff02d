package io.ivfsp.cli;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.nativeacl.AclException;
import io.ivfsp.nativeacl.AclRuntime;
import io.ivfsp.nativeacl.ModelVerifier;
import io.ivfsp.nativeacl.NativeAcl;
import io.ivfsp.nativeacl.OpCheck;
import io.ivfsp.nativeacl.VerificationReport;
import io.ivfsp.ops.OpCatalog;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ivfsp verify}: checks a model directory the way mxIndex loads it, through ACL. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Checks a model directory the way mxIndex loads it (aclopSetModelDir, then aclopCreateHandle"
                + " for every expected op) and lists each op as present or missing.",
                "Needs the ACL library: the CANN toolkit's lib64 on LD_LIBRARY_PATH."},
        footer = {"", "Exit status: 0 every op present, 1 a model is missing (or ACL is unavailable), 2 invalid usage."})
final class VerifyCommand extends ConfigurationCommand {

    @Option(names = "--model-dir", paramLabel = "<dir>", required = true, order = 100,
            description = "The directory mxIndex reads (MX_INDEX_MODELPATH); scanned three levels deep like ACL does.")
    Path modelDir;

    @Option(names = "--sets", paramLabel = "<set>", split = ",", order = 101, defaultValue = "service,aicpu,training",
            description = "The model sets expected, among service, aicpu, training. Default: ${DEFAULT-VALUE}.")
    List<String> sets;

    VerifyCommand(IvfspCli cli) {
        super(cli);
    }

    @Override
    Integer run(PrintWriter out, PrintWriter err, List<String> problems) {
        Set<ModelSet> chosen = ModelSetsOption.read(sets, problems);
        List<IvfspConfig> cfg = config.read(spec, chosen, problems);
        if (cfg.size() > 1) {
            problems.add("verify checks one configuration at a time; give each flag one value");
        }
        Path dir = cli.workingDirectory().resolve(modelDir);
        Locations.unreadableDirectory("--model-dir", dir).ifPresent(problems::add);
        if (!problems.isEmpty()) {
            return ConfigOptions.reportInvalid(err, "verify", problems);
        }
        if (!NativeAcl.isAvailable()) {
            err.println("ivfsp verify: cannot verify without ACL: " + NativeAcl.unavailabilityCause().orElseThrow().getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
        VerificationReport report;
        try (AclRuntime acl = AclRuntime.initialize()) {
            report = ModelVerifier.verify(acl, dir, OpCatalog.plan(cfg.get(0), chosen));
        } catch (AclException e) {
            err.println("ivfsp verify: " + e.getMessage());
            return IvfspCli.COMPILE_FAILURE;
        }
        for (OpCheck c : report.checks()) {
            out.printf(Locale.ROOT, "%-8s %-9s %-45s %s%n", c.present() ? "present" : "MISSING", c.set().cliName(),
                    c.jsonFile() + (c.jsonFile().startsWith("aicpu") ? "#" + c.opIndex() : ""), c.descriptor());
            if (!c.present()) {
                out.printf(Locale.ROOT, "         expected model %s; ACL error %d%s%n", c.omFile(), c.aclError(),
                        c.message().isEmpty() ? "" : ": " + c.message());
            }
        }
        int missing = report.missing().size();
        out.println((report.checks().size() - missing) + " of " + report.checks().size() + " expected ops present in "
                + report.directory() + " (SoC " + report.socName() + ")" + (missing > 0 ? ", " + missing + " MISSING" : ""));
        return missing == 0 ? IvfspCli.OK : IvfspCli.COMPILE_FAILURE;
    }
}
