package io.ivfsp.atc;

import io.ivfsp.compile.CompileFailure;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationListener;
import io.ivfsp.generate.JobProgress;
import io.ivfsp.generate.ModelGenerator;

import java.nio.file.Path;

/**
 * A generator process for the tests that signal or kill it while its ATC processes run:
 * {@code HangingGeneration <root> <toolkit>} generates the service set, 4 jobs at a time, and prints
 * {@code failed <json file> <kind>} for each job that fails (a signal's interrupted jobs among them).
 */
public final class HangingGeneration {

    private HangingGeneration() {
    }

    public static void main(String[] args) {
        ModelGenerator.builder()
                .compiler(AtcCompiler.builder().toolkit(AtcToolkit.at(Path.of(args[1]))).build())
                .outputRoot(Path.of(args[0])).parallelism(4)
                .listener(new GenerationListener() {
                    @Override
                    public void jobFailed(JobProgress progress, CompileFailure failure) {
                        System.out.println("failed " + failure.file().fileName() + " " + failure.kind());
                        System.out.flush();
                    }
                }).build()
                .generate(IvfspConfig.defaults(), ModelSet.SERVICE);
        System.out.println("generation returned");
    }
}
