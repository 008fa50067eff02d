package io.ivfsp.nativeacl;

import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.OpCatalog;

import java.nio.file.Path;
import java.util.EnumSet;

/**
 * Run in a child JVM by the tests: {@code CompileChild <output root>} compiles the default deployment
 * with the in-process compiler and prints {@code compiled <n>}; everything else on its standard output
 * or error came from somewhere else (the compiler's own output belongs in the jobs' output tails).
 */
public final class CompileChild {

    private CompileChild() {
    }

    public static void main(String[] args) {
        GenerationResult r = ModelGenerator.builder().compiler(InProcessAtcCompiler.load(InProcessAtcCompiler.LIBRARY))
                .outputRoot(Path.of(args[0])).build()
                .generate(OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class))).requireSuccess();
        System.out.println("compiled " + r.compiledModels());
    }
}
