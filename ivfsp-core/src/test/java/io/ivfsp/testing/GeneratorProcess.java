package io.ivfsp.testing;

import io.ivfsp.atc.AtcToolkit;
import io.ivfsp.atc.LightWatchdog;
import io.ivfsp.config.IvfspConfig;
import io.ivfsp.config.ModelSet;
import io.ivfsp.generate.GenerationResult;
import io.ivfsp.generate.ModelGenerator;
import io.ivfsp.ops.OpCatalog;

import java.nio.file.Path;
import java.util.EnumSet;

/**
 * A generator process for the tests that kill or race generators: {@code GeneratorProcess <root>
 * <toolkit> <parallelism>} generates the three sets of the default deployment with ATC, prints
 * {@code compiled <n> reused <m> failed <k>} and exits 0 on success, 1 otherwise.
 */
public final class GeneratorProcess {

    private GeneratorProcess() {
    }

    public static void main(String[] args) {
        GenerationResult r = ModelGenerator.builder()
                .compiler(LightWatchdog.builder().toolkit(AtcToolkit.at(Path.of(args[1]))).build())
                .outputRoot(Path.of(args[0])).parallelism(Integer.parseInt(args[2]))
                .batching(io.ivfsp.generate.BatchingMode.NEVER).build()
                .generate(OpCatalog.plan(IvfspConfig.defaults(), EnumSet.allOf(ModelSet.class)));
        System.out.println("compiled " + r.compiledModels() + " reused " + r.reusedModels() + " failed " + r.failures().size());
        r.failures().forEach(f -> System.out.println(f.describe()));
        System.exit(r.isSuccess() ? 0 : 1);
    }
}
