package io.ivfsp.examples;

import io.ivfsp.compile.OpCompiler;
import io.ivfsp.compile.OpCompilers;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.ModelPlan;
import io.ivfsp.ops.OpCatalog;
import io.ivfsp.store.ModelInstaller;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The Java API in one page: configure, plan, compile, install (README, "Java API"). */
public final class JavaApiExample {

    private JavaApiExample() {
    }

    /** Generates every model of a deployment under {@code args[0]} and installs them for mxIndex. */
    public static void main(String[] args) throws IOException {
        Path root = Path.of(args.length > 0 ? args[0] : "/srv/ivfsp");
        IvfspConfig config = IvfspConfig.builder().dim(768).nonzeroNum(128).nlist(2048).build(); // validates
        ModelPlan plan = OpCatalog.plan(config, ModelSet.SERVICE, ModelSet.AICPU, ModelSet.TRAINING);
        plan.files().forEach(f -> System.out.println(f.fileName() + " -> " + f.outputDirectory()));

        // Explicit name, else -Divfsp.compiler, else $IVFSP_COMPILER, else the available real backend of
        // highest rank (atc); throws IllegalStateException (ToolkitNotFoundException for atc) saying why not.
        OpCompiler compiler = OpCompilers.select(Optional.empty());
        GenerationResult result = ModelGenerator.builder()
                .compiler(compiler)
                .outputRoot(root)                             // config/, op_models/, op_models_pyacl/
                .parallelism(16).jobTimeout(Duration.ofMinutes(30))
                .build()
                .generate(plan)
                .requireSuccess();                            // GenerationException lists every failure
        result.models().forEach(m -> System.out.println(m.opType() + " " + m.path() + " " + m.sha256()));
        ModelInstaller.install(result.models(), root.resolve("modelpath")); // MX_INDEX_MODELPATH
    }
}
