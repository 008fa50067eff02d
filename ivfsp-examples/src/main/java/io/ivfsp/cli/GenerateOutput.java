package io.ivfsp.cli;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.compile.OpCompiler;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpFile;
import io.ivfsp.store.ModelInstaller;
import io.ivfsp.store.ModelStore;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * What a generator subcommand prints and the exit status it ends with: the plan of {@code --plan}, the
 * warning about simulated models, and after a run the failures, the installation into
 * {@code --install-to}, the summary (text or {@code --json}), the pruned files and the export line.
 */
final class GenerateOutput {

    private final String name;
    private final PrintWriter out;
    private final PrintWriter err;
    private final boolean quiet;
    private final boolean json;

    GenerateOutput(String name, PrintWriter out, PrintWriter err, boolean quiet, boolean json) {
        this.name = name;
        this.out = out;
        this.err = err;
        this.quiet = quiet;
        this.json = json;
    }

    /** Writes config/*.json under {@code root} and prints the plan; nothing is compiled. */
    int plan(List<ModelPlan> plans, Path root) {
        List<OpFile> files = plans.stream().flatMap(p -> p.files().stream()).distinct().toList();
        try (ModelStore store = ModelStore.open(root)) {
            for (ModelPlan p : plans) {
                store.prepare(p);
            }
            for (OpFile f : files) {
                store.writeJson(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the JSON files under " + root + ": " + e.getMessage(), e);
        }
        if (json) {
            out.println(Reports.planJson(files, plans.get(0).config().socVersion(), root));
        } else if (!quiet) {
            out.print(Reports.planText(files));
            out.println(files.size() + " JSON files written to " + root.resolve(ModelStore.CONFIG_DIRECTORY)
                    + "; " + files.stream().mapToInt(f -> f.ops().size()).sum() + " models to compile for "
                    + plans.get(0).config().socVersion() + ".");
        }
        return IvfspCli.OK;
    }

    /**
     * Says that a simulated backend writes stand-in models; refuses to install them unless the backend
     * was named.
     *
     * @param installTo the {@code --install-to} value as given, or null
     * @return false if the run must not go on (the refusal is printed)
     */
    boolean simulatedAccepted(OpCompiler compiler, boolean named, Path installTo) {
        if (installTo != null && !named) {
            err.println("ivfsp " + name + ": --install-to " + installTo + ": refusing to install SIMULATED"
                    + " models (backend '" + compiler.name() + "', chosen because no real backend is available)"
                    + " into a runtime model directory; name the backend (--backend " + compiler.name()
                    + ") to install them anyway.");
            return false;
        }
        if (!quiet || installTo != null) {
            err.println("SIMULATED: backend '" + compiler.name() + "' writes stand-in .om files that no Ascend"
                    + " runtime can load" + (installTo != null ? ", and they are installed into " + installTo : "")
                    + "; install the CANN toolkit to compile for real.");
        }
        return true;
    }

    /**
     * Reports a finished run and installs its models when it succeeded.
     *
     * @param installTo    the {@code --install-to} value as given, or null
     * @param installDir   it resolved against the working directory, or null
     * @param prune        whether {@code --prune} was given
     * @param pruned       the files prune removed
     * @return the exit status
     */
    int finish(GenerationResult result, Reports.JobClock clock, Path root, Path installTo, Path installDir,
               boolean prune, List<Path> pruned) {
        // Each failed job once (the generator's own warning is turned off by the CLI's logging set-up).
        for (CompileFailure f : result.failures()) {
            err.println("FAILED " + f.describe());
        }
        List<Path> installed = List.of();
        if (installTo != null && result.isSuccess()) {
            try {
                installed = ModelInstaller.install(result.models(), installDir);
            } catch (IOException e) {
                err.println("ivfsp " + name + ": cannot install the models into " + installTo + ": " + e.getMessage());
                return IvfspCli.COMPILE_FAILURE;
            }
        }
        if (json) {
            out.println(Reports.resultJson(result, clock, installed, pruned));
        } else if (!quiet) {
            out.print(Reports.resultTable(result, clock));
            out.println(Reports.resultLine(result));
            if (prune) {
                out.println(pruned.size() + " models no longer needed were removed" + (pruned.isEmpty() ? "" : ":"));
                pruned.forEach(p -> out.println("  " + root.relativize(p)));
            }
        }
        if (!installed.isEmpty()) {
            Path dir = installed.get(0).getParent();
            if (!quiet && !json) {
                out.println(installed.size() + " models installed into " + dir);
            }
            if (!json) {
                out.println("export MX_INDEX_MODELPATH=" + dir);
            }
        }
        return result.isSuccess() ? IvfspCli.OK : IvfspCli.COMPILE_FAILURE;
    }
}
